package mail

import (
	"testing"

	"github.com/emersion/go-imap/v2"
)

func TestPickPreviewSource(t *testing.T) {
	text := func(subtype, encoding string, disposition string) *imap.BodyStructureSinglePart {
		p := &imap.BodyStructureSinglePart{Type: "text", Subtype: subtype, Encoding: encoding,
			Params: map[string]string{"charset": "iso-8859-1"}, Text: &imap.BodyStructureText{}}
		if disposition != "" {
			p.Extended = &imap.BodyStructureSinglePartExt{Disposition: &imap.BodyStructureDisposition{Value: disposition,
				Params: map[string]string{"filename": "notes.txt"}}}
		}
		return p
	}
	pdf := &imap.BodyStructureSinglePart{Type: "application", Subtype: "pdf", Encoding: "base64"}
	for _, tc := range []struct {
		name     string
		bs       imap.BodyStructure
		section  string
		html     bool
		encoding string
	}{
		{"single text/plain", text("plain", "base64", ""), "1", false, "base64"},
		{"alternative", &imap.BodyStructureMultiPart{Subtype: "alternative",
			Children: []imap.BodyStructure{text("plain", "quoted-printable", ""), text("html", "7bit", "")}}, "1", false, "quoted-printable"},
		{"html only in mixed, after an attached text", &imap.BodyStructureMultiPart{Subtype: "mixed",
			Children: []imap.BodyStructure{
				&imap.BodyStructureMultiPart{Subtype: "related", Children: []imap.BodyStructure{text("html", "base64", "")}},
				text("plain", "7bit", "attachment"), pdf}}, "1.1", true, "base64"},
		{"only an attachment", &imap.BodyStructureMultiPart{Subtype: "mixed", Children: []imap.BodyStructure{pdf}}, "", false, ""},
	} {
		src := pickPreviewSource(tc.bs)
		if tc.section == "" {
			if src != nil {
				t.Errorf("%s: picked %s, want none", tc.name, src.section())
			}
			continue
		}
		if src == nil || src.section() != tc.section || src.html != tc.html || src.encoding != tc.encoding || src.charset != "iso-8859-1" {
			t.Errorf("%s: picked %+v, want section %s html %v encoding %s", tc.name, src, tc.section, tc.html, tc.encoding)
		}
	}
}
