package mime

import (
	"bufio"
	"bytes"
	"net/textproto"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/webmail/webmail/mail/internal/mailtest"
)

// corpusHeaderValues returns the raw values of the headers a display
// decodes (Subject, From, To, Cc, Date, Message-ID, Content-Type,
// Content-Disposition) of every corpus message, for seeds.
func corpusHeaderValues(f *testing.F) []string {
	f.Helper()
	var values []string
	for _, name := range mailtest.CorpusFiles(f) {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		header, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
		for _, key := range []string{"Subject", "From", "To", "Cc", "Date", "Message-Id", "Content-Type", "Content-Disposition"} {
			values = append(values, header.Values(key)...)
		}
	}
	return values
}

// FuzzDecodeHeader: header decoding never panics, and what it gives the
// display is valid UTF-8: encoded words (RFC 2047) in any charset, raw
// 8-bit bytes, addresses, dates, message IDs. Seeds: the corpus's headers
// and a few hostile values.
func FuzzDecodeHeader(f *testing.F) {
	for _, v := range corpusHeaderValues(f) {
		f.Add(v)
	}
	for _, v := range []string{
		"=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=",
		"=?utf-7?q?+ADw-script+AD4-?=",
		"=?iso-2022-jp?b?GyRCJUYlOSVIGyhC?=",
		"=?x-unknown?b?////?=",
		"\"=?utf-8?b?QW5uYQ==?=\" <anna@example.test>, broken <@>, ,;:",
		"Mon, 32 Foo 99999 25:61:61 +9999",
		"<a@b> <c@d",
		"\xff\xfe=?utf-16?b?AAA=?=",
	} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if out := DecodeHeaderText(v); !utf8.ValidString(out) {
			t.Fatalf("DecodeHeaderText(%q) = %q: not UTF-8", v, out)
		}
		for _, a := range ParseAddressList(v) {
			if s := a.String(); !utf8.ValidString(s) {
				t.Fatalf("ParseAddressList(%q): %q not UTF-8", v, s)
			}
		}
		ParseDate(v)
		for _, id := range ParseMessageIDs(v) {
			if strings.ContainsAny(id, "\r\n") {
				t.Fatalf("ParseMessageIDs(%q): %q spans lines", v, id)
			}
		}
	})
}
