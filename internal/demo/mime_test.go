package demo

import (
	"bytes"
	"mime"
	"strconv"
	"strings"
	"testing"
)

func TestWriteFieldFoldsReversibly(t *testing.T) {
	values := []string{
		"short",
		"=?utf-8?q?Fotos_vom_Wochenende_in_Z=C3=BCrich?= =?utf-8?q?_and_a_much_longer_subject?= =?utf-8?q?_line_that_needs_folding?=",
		`"Maria Chen" <maria.chen@example.test>, "Sam O'Connor" <sam.oconnor@example.test>, "Priya Raman" <priya.raman@example.test>`,
		"two  spaces  kept  " + strings.Repeat("word ", 30),
		strings.Repeat("x", 120),
	}
	for _, v := range values {
		var b bytes.Buffer
		writeField(&b, headerField{"Subject", v})
		out := b.String()
		if !strings.HasPrefix(out, "Subject: ") || !strings.HasSuffix(out, "\r\n") {
			t.Errorf("field %q written as %q", v, out)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if strings.TrimSpace(line) == "" {
				t.Errorf("blank continuation line in %q", out)
			}
			if len(line) > 78 && strings.Contains(strings.TrimSpace(strings.TrimPrefix(line, "Subject: ")), " ") {
				t.Errorf("line of %d bytes could have been folded: %q", len(line), line)
			}
		}
		unfolded := strings.TrimPrefix(strings.ReplaceAll(strings.TrimSuffix(out, "\r\n"), "\r\n", ""), "Subject: ")
		if unfolded != v {
			t.Errorf("unfolding gives %q, want %q", unfolded, v)
		}
	}
}

func TestFormatAddress(t *testing.T) {
	tests := []struct{ name, address, want string }{
		{"Maria Chen", "m@example.test", `"Maria Chen" <m@example.test>`},
		{"Dr. Helen Park", "h@example.test", `"Dr. Helen Park" <h@example.test>`},
		{"José Müller", "j@example.de", "=?utf-8?q?Jos=C3=A9_M=C3=BCller?= <j@example.de>"},
		{"山田太郎", "t@example.jp", "=?utf-8?b?5bGx55Sw5aSq6YOO?= <t@example.jp>"},
		{"", "x@example.test", "<x@example.test>"},
	}
	dec := new(mime.WordDecoder)
	for _, tt := range tests {
		got := formatAddress(tt.name, tt.address)
		if got != tt.want {
			t.Errorf("formatAddress(%q) = %q, want %q", tt.name, got, tt.want)
		}
		if decoded, err := dec.DecodeHeader(got); err != nil || (tt.name != "" && !strings.Contains(decoded, tt.name)) {
			t.Errorf("%q decodes to %q (%v)", got, decoded, err)
		}
	}
}

func TestFilePartUsesRFC2231ForNonASCIINames(t *testing.T) {
	p := filePart("application/pdf", "Relatório – março.pdf", []byte("%PDF-1.4"))
	var disposition string
	for _, f := range p.header {
		if f.name == "Content-Disposition" {
			disposition = f.value
		}
	}
	if !strings.Contains(disposition, "filename*=utf-8''") {
		t.Errorf("Content-Disposition %q is not RFC 2231 encoded", disposition)
	}
	_, params, err := mime.ParseMediaType(disposition)
	if err != nil || params["filename"] != "Relatório – março.pdf" {
		t.Errorf("parsed filename %q (%v)", params["filename"], err)
	}
}

func TestNormalizeCRLF(t *testing.T) {
	tests := map[string]string{
		"":             "",
		"a":            "a",
		"a\nb\n":       "a\r\nb\r\n",
		"a\r\nb\r\n":   "a\r\nb\r\n",
		"a\rb":         "a\r\nb",
		"a\r\n\nb\r\r": "a\r\n\r\nb\r\n\r\n",
	}
	for in, want := range tests {
		if got := string(normalizeCRLF([]byte(in))); got != want {
			t.Errorf("normalizeCRLF(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPDFDocumentCrossReference(t *testing.T) {
	doc := pdfDocument("Title (with parens)", []string{"a line", `back\slash`}, testNow())
	tail := doc[bytes.LastIndex(doc, []byte("startxref\n"))+len("startxref\n"):]
	offset, err := strconv.Atoi(string(tail[:bytes.IndexByte(tail, '\n')]))
	if err != nil {
		t.Fatalf("startxref: %v", err)
	}
	if !bytes.HasPrefix(doc[offset:], []byte("xref\n")) {
		t.Errorf("startxref %d does not point at the xref table", offset)
	}
	if !bytes.Contains(doc, []byte(`(Title \(with parens\))`)) || !bytes.HasSuffix(doc, []byte("%%EOF\n")) {
		t.Error("title not escaped or trailer missing")
	}
}
