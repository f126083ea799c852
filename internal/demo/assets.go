package demo

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"time"
)

// Small binary files for attachments and inline images, generated rather
// than embedded so the repository holds no opaque blobs.

// chartPNG draws a bar chart of values (0..100) on a white background.
func chartPNG(values []int) []byte {
	const w, h = 240, 120
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	palette := []color.RGBA{{0x2b, 0x6c, 0xb0, 0xff}, {0x38, 0xa1, 0x69, 0xff}, {0xdd, 0x6b, 0x20, 0xff}, {0x80, 0x5a, 0xd5, 0xff}}
	barWidth := (w - 20) / max(len(values), 1)
	for i, v := range values {
		top := h - 10 - (h-20)*min(max(v, 0), 100)/100
		bar := image.Rect(10+i*barWidth+4, top, 10+(i+1)*barWidth-4, h-10)
		draw.Draw(img, bar, image.NewUniform(palette[i%len(palette)]), image.Point{}, draw.Src)
	}
	axis := image.Rect(8, h-10, w-8, h-9)
	draw.Draw(img, axis, image.NewUniform(color.RGBA{0x44, 0x44, 0x44, 0xff}), image.Point{}, draw.Src)
	return encodePNG(img)
}

// photoPNG paints a small landscape: a sky gradient, a sun and hills whose
// colours depend on hue (0..359), so each "photo" looks different.
func photoPNG(hue int) []byte {
	const w, h = 160, 120
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	sky := hueColor(hue)
	sunX, sunY := 30+hue%100, 35
	for y := range h {
		for x := range w {
			c := color.RGBA{
				R: uint8(int(sky.R) * (h + y) / (2 * h)),
				G: uint8(int(sky.G) * (h + y) / (2 * h)),
				B: uint8(int(sky.B)*(2*h-y)/(2*h) + 40),
				A: 0xff,
			}
			if dx, dy := x-sunX, y-sunY; dx*dx+dy*dy < 144 {
				c = color.RGBA{0xff, 0xe0, 0x70, 0xff}
			}
			if hill := 80 + (x*x/97+x*3)%25 - 12; y > hill {
				c = color.RGBA{0x3a, uint8(0x70 + y/3), 0x3a, 0xff}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return encodePNG(img)
}

// hueColor converts a hue to a bright RGB colour.
func hueColor(hue int) color.RGBA {
	hue = ((hue % 360) + 360) % 360
	x := uint8(255 * (60 - abs(hue%120-60)) / 60)
	switch hue / 60 {
	case 0:
		return color.RGBA{255, x, 0, 255}
	case 1:
		return color.RGBA{x, 255, 0, 255}
	case 2:
		return color.RGBA{0, 255, x, 255}
	case 3:
		return color.RGBA{0, x, 255, 255}
	case 4:
		return color.RGBA{x, 0, 255, 255}
	default:
		return color.RGBA{255, 0, x, 255}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	png.Encode(&b, img) // encoding an in-memory RGBA into a buffer cannot fail
	return b.Bytes()
}

// pdfDocument writes a minimal, valid one-page PDF 1.4 with a title and
// lines of ASCII text in Helvetica; any viewer opens it.
func pdfDocument(title string, lines []string, created time.Time) []byte {
	var content strings.Builder
	fmt.Fprintf(&content, "BT /F1 18 Tf 72 770 Td (%s) Tj ET\n", pdfEscape(title))
	content.WriteString("BT /F1 11 Tf 15 TL 72 740 Td\n")
	for _, line := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", pdfEscape(line))
	}
	content.WriteString("ET\n")

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		fmt.Sprintf("<< /Title (%s) /Producer (webmail demo) /CreationDate (D:%s) >>", pdfEscape(title), created.UTC().Format("20060102150405Z")),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, obj := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, obj)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// pdfEscape escapes a PDF literal string; non-ASCII is replaced because
// the built-in font only covers WinAnsi.
func pdfEscape(s string) string {
	return strings.Map(func(r rune) rune {
		if r > '~' {
			return '?'
		}
		return r
	}, strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(s))
}

// zipArchive packs files (name -> content, in the given order) into a zip
// with fixed timestamps, so the bytes are reproducible.
func zipArchive(names []string, files map[string]string, modified time.Time) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified.UTC()})
		if err != nil {
			panic(fmt.Sprintf("demo: zip %s: %v", name, err)) // only fails on invalid names, which are ours
		}
		w.Write([]byte(files[name]))
	}
	zw.Close()
	return b.Bytes()
}
