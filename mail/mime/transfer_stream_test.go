package mime

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// chunkReader hands out its data in chunks of random size (1 to max
// bytes), to cut escapes, line breaks and CRLF pairs anywhere.
type chunkReader struct {
	data []byte
	rng  *rand.Rand
	max  int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := min(1+r.rng.IntN(r.max), len(p), len(r.data))
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// wholeDecode is what PartContent returns for a part with this encoding
// header and body.
func wholeDecode(encoding string, body []byte) []byte {
	e := &entity{fields: []rawField{{key: "Content-Transfer-Encoding", value: encoding}}, body: body}
	return decodeTransfer(e.transferEncoding(), body)
}

// checkStreamDecode decodes body in chunks of several sizes and compares
// with the whole-body decoder.
func checkStreamDecode(t *testing.T, encoding string, body []byte, seed uint64) {
	t.Helper()
	want := wholeDecode(encoding, body)
	e := &entity{fields: []rawField{{key: "Content-Transfer-Encoding", value: encoding}}}
	for _, maxChunk := range []int{1, 2, 3, 7, 64, 40 << 10} {
		r := &chunkReader{data: body, rng: rand.New(rand.NewPCG(seed, uint64(maxChunk))), max: maxChunk}
		var got bytes.Buffer
		n, err := CopyDecoded(&got, r, e.declaredEncoding())
		if err != nil {
			t.Fatalf("%s body %.60q, chunks of up to %d: %v", encoding, body, maxChunk, err)
		}
		if !bytes.Equal(got.Bytes(), want) || n != int64(len(want)) {
			t.Fatalf("%s body %.60q, chunks of up to %d:\n got %.80q (%d)\nwant %.80q", encoding, body, maxChunk, got.Bytes(), n, want)
		}
	}
}

func TestStreamDecodersMatchWholeBody(t *testing.T) {
	long := strings.Repeat("abc=41 \t", 20000) // one 160 kB line with escapes and inner white space
	for _, tc := range []struct {
		encoding, body string
	}{
		{"base64", "SGVsbG8sIHdvcmxkIQ==\r\n"},
		{"base64", "SGVs\r\nbG8s\r\nIHdv\r\ncmxk\r\nIQ==\r\n"},
		{"base64", "\r\n\r\n  \r\nSGVsbG8=\r\n"},            // blank lines first
		{"base64", "SGVsbG8=\r\nIHdvcmxk\r\n"},              // concatenated blocks
		{"base64", "Cg== ignored junk\r\nSGk=\r\n"},         // junk after padding
		{"base64", "SGV*sbG8=\r\n"},                         // one stray character
		{"base64", "This is not base64 at all.\r\nNo.\r\n"}, // prose labelled base64
		{"base64", "SGVsbG8"},                               // no line break at all
		{"base64", "SGVs\rbG8=\r"},                          // lone CRs
		{"base64", ""},
		{"base64", " \r\n\t\r\n"},
		{" Base64 ; x", "SGVsbG8=\r\n"},
		{"quoted-printable", "Gr=C3=BC=C3=9Fe\r\nsoft=\r\nbreak\r\n"},
		{"quoted-printable", "trailing   \r\nspace\t\r\n=\r\n"},
		{"quoted-printable", "=4=41==41=\r\n=ZZ=a\r\nend="},
		{"quoted-printable", "lf\nonly\nlines\n"},
		{"quoted-printable", "lone\rcr\r\r\nmix\n\r"},
		{"quoted-printable", "no final break"},
		{"quoted-printable", long + "=\r\n" + long + "   \r\n" + long},
		{"quoted-printable", "x" + strings.Repeat(" ", 100<<10) + "y\r\n" + strings.Repeat("\t", 70<<10) + "=\r\n"},
		{"quoted-printable", strings.Repeat("=3D", 30000) + strings.Repeat("=", 3) + "\r\n"},
		{"7bit", "plain\r\ntext\r\n"},
		{"x-uuencode", "begin 644 x\r\n"},
		{"", "no header\r\n"},
	} {
		checkStreamDecode(t, tc.encoding, []byte(tc.body), 1)
	}
}

func TestStreamDecodersRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	alphabet := []byte("AB=3Dz+/ \t\r\n=\r\n-.?")
	for i := range 2000 {
		body := make([]byte, rng.IntN(300))
		for j := range body {
			body[j] = alphabet[rng.IntN(len(alphabet))]
		}
		for _, enc := range []string{"base64", "quoted-printable", "8bit"} {
			checkStreamDecode(t, enc, body, uint64(i))
		}
	}
}

func TestBase64FirstLineTooLong(t *testing.T) {
	body := bytes.Repeat([]byte("QUJD"), maxUndecidedBase64/4+1000)
	var out bytes.Buffer
	_, err := CopyDecoded(&out, bytes.NewReader(body), "base64")
	if !errors.Is(err, ErrNotStreamable) || out.Len() != 0 {
		t.Fatalf("err %v after %d bytes written, want ErrNotStreamable and nothing", err, out.Len())
	}
}

func FuzzStreamDecoders(f *testing.F) {
	f.Add("base64", []byte("SGVsbG8=\r\nCg== x\r\n"), uint64(1))
	f.Add("quoted-printable", []byte("a=\r\nb=4=41  \r\n"), uint64(2))
	f.Fuzz(func(t *testing.T, encoding string, body []byte, seed uint64) {
		checkStreamDecode(t, encoding, body, seed)
	})
}
