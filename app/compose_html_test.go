package app

import (
	"strings"
	"testing"

	"github.com/webmail/webmail/store"
)

func TestParseMailto(t *testing.T) {
	tests := []struct {
		in   string
		want NewComposeInput
	}{
		{"mailto:a@example.org", NewComposeInput{To: "a@example.org"}},
		{"mailto:a@example.org,b@example.org?cc=c@example.org&subject=Hi%20there&body=Line%201%0ALine%202",
			NewComposeInput{To: "a@example.org,b@example.org", Cc: "c@example.org", Subject: "Hi there", Body: "Line 1\nLine 2"}},
		{"MAILTO:?to=x@example.org&bcc=y@example.org", NewComposeInput{To: "x@example.org", Bcc: "y@example.org"}},
		{"mailto:%22Jane%20Doe%22%20%3Cjane@example.org%3E", NewComposeInput{To: `"Jane Doe" <jane@example.org>`}},
		{"https://example.org/?to=x@example.org", NewComposeInput{}},
		{"javascript:alert(1)", NewComposeInput{}},
	}
	for _, tt := range tests {
		if got := parseMailto(tt.in); got != tt.want {
			t.Errorf("parseMailto(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	// A subject with a line break from a link stays one line.
	if got := oneLine("Hi\r\nBcc: victim@example.org"); strings.ContainsAny(got, "\r\n") {
		t.Errorf("oneLine kept a line break: %q", got)
	}
}

func TestComposeHTMLInlineImages(t *testing.T) {
	const id = "AAAAAAAAAAAAAAAAAAAAAAAAAA"
	uploads := []store.Upload{
		{ID: "IMAGEIMAGEIMAGEIMAGEIMAGE1", ContentID: "IMAGEIMAGEIMAGEIMAGEIMAGE1@webmail"},
		{ID: "FILEFILEFILEFILEFILEFILE22"},
	}
	in := `<div>Look:<img src="/compose/` + id + `/attachments/IMAGEIMAGEIMAGEIMAGEIMAGE1" alt="pic">` +
		`<img src="https://mail.example.org/compose/` + id + `/attachments/IMAGEIMAGEIMAGEIMAGEIMAGE1">` +
		`<img src="/compose/BBBBBBBBBBBBBBBBBBBBBBBBBB/attachments/IMAGEIMAGEIMAGEIMAGEIMAGE1">` +
		`<img src="/compose/` + id + `/attachments/NOTMINENOTMINENOTMINENOTMI">` +
		`<a href="mailto:x@example.org">x</a><script>alert(1)</script><img src=x onerror=alert(1)></div>`
	clean := cleanComposeHTML(in, id, uploads)
	if n := strings.Count(clean, `src="/compose/`+id+`/attachments/IMAGEIMAGEIMAGEIMAGEIMAGE1"`); n != 2 {
		t.Errorf("own inline images kept %d times, want 2:\n%s", n, clean)
	}
	for _, bad := range []string{"BBBBBBBB", "NOTMINE", "<script", "onerror"} {
		if strings.Contains(clean, bad) {
			t.Errorf("cleaned HTML keeps %q:\n%s", bad, clean)
		}
	}
	if !strings.Contains(clean, `href="mailto:x@example.org"`) {
		t.Errorf("mailto link not kept as is:\n%s", clean)
	}
	out := inlineImagesAsCID(clean, id, uploads)
	if n := strings.Count(out, `src="cid:IMAGEIMAGEIMAGEIMAGEIMAGE1@webmail"`); n != 2 {
		t.Errorf("cid references: %d, want 2:\n%s", n, out)
	}
}
