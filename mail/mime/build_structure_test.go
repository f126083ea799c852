package mime

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-message"
)

// structure describes a message tree as "type[child,child]", and collects
// the decoded bodies of the leaves by type.
func structure(t *testing.T, e *message.Entity, bodies map[string][]string) string {
	t.Helper()
	mediaType, _, err := e.Header.ContentType()
	if err != nil {
		t.Fatalf("Content-Type %q: %v", e.Header.Get("Content-Type"), err)
	}
	mr := e.MultipartReader()
	if mr == nil {
		data, err := io.ReadAll(e.Body)
		if err != nil {
			t.Fatalf("%s body: %v", mediaType, err)
		}
		bodies[mediaType] = append(bodies[mediaType], string(data))
		return mediaType
	}
	var children []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", mediaType, err)
		}
		children = append(children, structure(t, p, bodies))
	}
	return mediaType + "[" + strings.Join(children, ",") + "]"
}

func TestBuildStructures(t *testing.T) {
	forwarded := "From: x@example.test\nSubject: old\n\nbare LF lines\nend\r"
	pdf := strings.Repeat("%PDF binary \x00\xff\xfe", 100)
	img := "\x89PNG\r\n\x1a\n fake image"
	attach := Attachment{Filename: "doc.pdf", ContentType: "application/pdf", Open: opener(pdf)}
	inline := Attachment{Filename: "logo.png", ContentType: "image/png", ContentID: "logo@example.test", Open: opener(img)}
	fwd := ForwardedMessage{Filename: "old.eml", Open: opener(forwarded)}
	html := `<p>Hello <img src="cid:logo@example.test"></p>`
	for _, tc := range []struct {
		name string
		m    Outgoing
		want string
	}{
		{"text only", Outgoing{Text: "hi"}, "text/plain"},
		{"empty body", Outgoing{}, "text/plain"},
		{"html", Outgoing{HTML: "<p>hi</p>"}, "multipart/alternative[text/plain,text/html]"},
		{"html with inline image", Outgoing{HTML: html, Attachments: []Attachment{inline}},
			"multipart/alternative[text/plain,multipart/related[text/html,image/png]]"},
		{"inline image the html does not use", Outgoing{HTML: "<p>no image</p>", Attachments: []Attachment{inline}},
			"multipart/mixed[multipart/alternative[text/plain,text/html],image/png]"},
		{"inline image without html", Outgoing{Text: "hi", Attachments: []Attachment{inline}},
			"multipart/mixed[text/plain,image/png]"},
		{"text with attachment", Outgoing{Text: "hi", Attachments: []Attachment{attach}},
			"multipart/mixed[text/plain,application/pdf]"},
		{"text forwarding a message", Outgoing{Text: "see below", ForwardedMessages: []ForwardedMessage{fwd}},
			"multipart/mixed[text/plain,message/rfc822]"},
		{"everything", Outgoing{HTML: html, Attachments: []Attachment{attach, inline}, ForwardedMessages: []ForwardedMessage{fwd}},
			"multipart/mixed[multipart/alternative[text/plain,multipart/related[text/html,image/png]],application/pdf,message/rfc822]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.m.From = Address{Email: "a@example.test"}
			tc.m.To = []Address{{Email: "b@example.test"}}
			raw, _ := buildString(t, tc.m)
			checkHeaderBytes(t, raw)
			e, err := message.Read(strings.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			bodies := map[string][]string{}
			if got := structure(t, e, bodies); got != tc.want {
				t.Fatalf("structure %s, want %s", got, tc.want)
			}
			if tc.m.HTML != "" && (len(bodies["text/html"]) != 1 || bodies["text/html"][0] != tc.m.HTML) {
				t.Errorf("HTML part %q", bodies["text/html"])
			}
			if tc.m.HTML != "" && tc.m.Text == "" && !strings.Contains(bodies["text/plain"][0], "Hello") && !strings.Contains(bodies["text/plain"][0], "hi") && !strings.Contains(bodies["text/plain"][0], "no image") {
				t.Errorf("generated text part %q", bodies["text/plain"])
			}
			for _, b := range bodies["application/pdf"] {
				if sha(b) != sha(pdf) {
					t.Error("attachment bytes changed")
				}
			}
			for _, b := range bodies["image/png"] {
				if sha(b) != sha(img) {
					t.Error("inline image bytes changed")
				}
			}
			for _, b := range bodies["message/rfc822"] {
				if want := "From: x@example.test\r\nSubject: old\r\n\r\nbare LF lines\r\nend\r\n"; b != want {
					t.Errorf("forwarded message %q, want %q (CRLF line ends)", b, want)
				}
			}
			if strings.Contains(tc.want, "related") && !strings.Contains(strings.ToLower(raw), "content-id: <logo@example.test>") {
				t.Error("inline image without its Content-ID")
			}
		})
	}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestAttachmentNameAndType(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`C:\fakepath\report.pdf`, "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{"", "attachment"},
		{"..", "attachment"},
		{"  spaced.txt ", "spaced.txt"},
		{"tab\tand\x00nul.txt", "tabandnul.txt"},
		{strings.Repeat("é", 150), strings.Repeat("é", 100)},
	} {
		if got := cleanAttachmentName(tc.in, "attachment"); got != tc.want {
			t.Errorf("cleanAttachmentName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"application/pdf", "application/pdf"},
		{"Image/PNG; name=x.png", "image/png"},
		{"", "application/octet-stream"},
		{"text", "application/octet-stream"},
		{"multipart/mixed; boundary=x", "application/octet-stream"},
		{"message/rfc822", "application/octet-stream"},
		{"text/plain\r\nX-Injected: 1", "application/octet-stream"},
	} {
		if got := cleanContentType(tc.in); got != tc.want {
			t.Errorf("cleanContentType(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
