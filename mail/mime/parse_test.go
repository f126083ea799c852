package mime

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/webmail/webmail/mail/htmlsafe"
	"github.com/webmail/webmail/mail/internal/mailtest"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func mustParse(t *testing.T, raw []byte) *Message {
	t.Helper()
	msg, err := ParseMessage(raw)
	if err != nil {
		t.Fatalf("ParseMessage: %v", err)
	}
	return msg
}

func partSummary(parts []Part) string {
	var out []string
	for _, p := range parts {
		out = append(out, fmt.Sprintf("%s %s %q %d cid=%q inline=%v", p.ID, p.ContentType, p.Filename, p.Size, p.ContentID, p.Inline))
	}
	return strings.Join(out, "\n")
}

func TestParseNestedAlternativeRelated(t *testing.T) {
	raw := readTestdata(t, "nested-alternative-related.eml")
	msg := mustParse(t, raw)

	if msg.Subject != "Quartalsbericht Q3 – Entwurf" {
		t.Errorf("Subject = %q", msg.Subject)
	}
	wantAddr := func(field string, got []Address, want ...Address) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %+v, want %+v", field, got, want)
		}
	}
	wantAddr("From", msg.From, Address{"Renée Müller", "renee@example.org"})
	wantAddr("To", msg.To, Address{"Team, All", "team@example.org"}, Address{"", "bob@example.org"})
	wantAddr("Cc", msg.Cc, Address{"François", "francois@example.org"})
	wantAddr("ReplyTo", msg.ReplyTo, Address{"", "replies@example.org"})
	if !msg.Date.Equal(time.Date(2023, 10, 3, 7, 15, 0, 0, time.UTC)) {
		t.Errorf("Date = %v", msg.Date)
	}
	if msg.MessageID != "q3-draft@example.org" || fmt.Sprint(msg.InReplyTo) != "[q2@example.org]" || fmt.Sprint(msg.References) != "[q1@example.org q2@example.org]" {
		t.Errorf("IDs = %q %q %q", msg.MessageID, msg.InReplyTo, msg.References)
	}
	if len(msg.Headers) != 11 || msg.Headers[0] != (Header{"From", "Renée Müller <renee@example.org>"}) || msg.Headers[4].Key != "Subject" {
		t.Errorf("Headers = %q", msg.Headers)
	}
	if !strings.HasPrefix(msg.Text, "Hallo Team,\n\nanbei der Entwurf für Q3.") || !strings.Contains(msg.Text, "Grüße\nRenée") || strings.Contains(msg.Text, "\r") {
		t.Errorf("Text = %q", msg.Text)
	}
	if !strings.Contains(msg.HTML, "anbei der Entwurf für Q3.") || !strings.Contains(msg.HTML, "<script>") {
		t.Errorf("HTML should be the raw (unsanitized) HTML part: %q", msg.HTML)
	}
	wantParts := strings.Join([]string{
		`1.2.2 image/png "" 70 cid="logo@example.org" inline=true`,
		`2 application/pdf "Bericht Q3 – Entwurf.pdf" 19 cid="" inline=false`,
		`3 message/rfc822 "" 49 cid="" inline=false`,
	}, "\n")
	if got := partSummary(msg.Parts); got != wantParts {
		t.Errorf("Parts:\n%s\nwant\n%s", got, wantParts)
	}

	part, content, err := PartContent(raw, "2")
	if err != nil || part.Filename != "Bericht Q3 – Entwurf.pdf" || string(content) != "%PDF-1.4\n%äüöß\n" {
		t.Errorf("PartContent(2) = %+v %q %v", part, content, err)
	}
	_, content, err = PartContent(raw, "1.2.2")
	if err != nil || !bytes.HasPrefix(content, []byte("\x89PNG")) || len(content) != 70 {
		t.Errorf("PartContent(1.2.2) = %d bytes, %v", len(content), err)
	}
	_, content, err = PartContent(raw, "3")
	if err != nil || !bytes.HasPrefix(content, []byte("From: old@example.org\r\n")) {
		t.Errorf("PartContent(3) = %q, %v", content, err)
	}
	// Body parts can be fetched too (for "view part source"), text keeps its charset.
	part, content, err = PartContent(raw, "1.1")
	if err != nil || part.Charset != "iso-8859-1" || !bytes.Contains(content, []byte("f\xfcr")) {
		t.Errorf("PartContent(1.1) = %+v %q %v", part, content, err)
	}
	for _, id := range []string{"", "0", "1", "1.2", "4", "1.2.3", "x"} {
		if _, _, err := PartContent(raw, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("PartContent(%q): %v, want ErrNotFound", id, err)
		}
	}

	// End to end: the HTML with its cid image mapped and the tracker blocked.
	safe, blocked := htmlsafe.Sanitize(msg.HTML, htmlsafe.Options{CIDURL: func(cid string) string {
		for _, p := range msg.Parts {
			if p.ContentID == cid {
				return "/msg/1/part/" + p.ID
			}
		}
		return ""
	}})
	if !blocked || strings.Contains(safe, "tracker") || strings.Contains(safe, "<script") ||
		!strings.Contains(safe, `src="/msg/1/part/1.2.2"`) || !strings.Contains(safe, "p{color: #333}") {
		t.Errorf("sanitized (blocked=%v): %s", blocked, safe)
	}
}

func TestParseBoundaryPrefix(t *testing.T) {
	msg := mustParse(t, readTestdata(t, "boundary-prefix.eml"))
	if msg.Text != "inner plain" || msg.HTML != "<p>inner html</p>" {
		t.Errorf("Text %q HTML %q", msg.Text, msg.HTML)
	}
	if got := partSummary(msg.Parts); got != `2 text/plain "notes.txt" 14 cid="" inline=false` {
		t.Errorf("Parts: %s", got)
	}
}

func TestParseHostileHTML(t *testing.T) {
	msg := mustParse(t, readTestdata(t, "hostile-html.eml"))
	if !strings.Contains(msg.HTML, "Sale € 50") {
		t.Errorf("windows-1252 QP body: %q", msg.HTML)
	}
	if msg.Text != "Click Sale € 50" {
		t.Errorf("Text rendering of HTML-only message = %q", msg.Text)
	}
	safe, blocked := htmlsafe.Sanitize(msg.HTML, htmlsafe.Options{})
	for _, bad := range []string{"onload", "javascript", "<form", "<input", "<iframe", "cdn.shop.example"} {
		if strings.Contains(safe, bad) {
			t.Errorf("sanitized output contains %q: %s", bad, safe)
		}
	}
	if !blocked || !strings.Contains(safe, `<div bgcolor="#f0f0f0">`) || !strings.Contains(safe, `href="https://shop.example/sale"`) {
		t.Errorf("sanitized (blocked=%v): %s", blocked, safe)
	}
}

func TestParseUTF7Flowed(t *testing.T) {
	msg := mustParse(t, readTestdata(t, "utf7-flowed.eml"))
	if msg.Subject != "Café" {
		t.Errorf("Subject = %q", msg.Subject)
	}
	want := "Café au lait + croissant. This line is soft wrapped and continues here.\n> quoted and flowed\n-- \nsig\n"
	if msg.Text != want {
		t.Errorf("Text = %q, want %q", msg.Text, want)
	}
}

// TestParseCharsets checks body decoding for the charsets mail still uses,
// in every transfer encoding.
func TestParseCharsets(t *testing.T) {
	tests := []struct {
		label string
		enc   encoding.Encoding
		text  string
	}{
		{"ISO-8859-1", charmap.ISO8859_1, "Grüße, café"},
		{"iso-8859-2", charmap.ISO8859_2, "Zażółć gęślą jaźń"},
		{"ISO-8859-5", charmap.ISO8859_5, "Привет"},
		{"iso-8859-7", charmap.ISO8859_7, "Καλημέρα"},
		{"ISO-8859-15", charmap.ISO8859_15, "Prix: 5 €"},
		{"windows-1250", charmap.Windows1250, "Příliš žluťoučký kůň"},
		{"windows-1251", charmap.Windows1251, "Здравствуйте"},
		{"Windows-1252", charmap.Windows1252, "“Smart quotes” – €"},
		{"windows-1255", charmap.Windows1255, "שלום"},
		{"KOI8-R", charmap.KOI8R, "Здравствуйте"},
		{"ISO-2022-JP", japanese.ISO2022JP, "こんにちは、世界"},
		{"Shift_JIS", japanese.ShiftJIS, "日本語のメール"},
		{"EUC-JP", japanese.EUCJP, "日本語"},
		{"GB2312", simplifiedchinese.GBK, "简体中文"},
		{"GBK", simplifiedchinese.GBK, "简体中文"},
		{"GB18030", simplifiedchinese.GB18030, "简体中文 𠀀"},
		{"Big5", traditionalchinese.Big5, "繁體中文"},
		{"EUC-KR", korean.EUCKR, "안녕하세요"},
		{"ks_c_5601-1987", korean.EUCKR, "안녕하세요"},
		{"UTF-16LE", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "ünïcödé"},
		{"utf-8", unicode.UTF8, "ünïcödé ✓"},
	}
	for _, tc := range tests {
		body := encodeWith(t, tc.enc, tc.text)
		for _, cte := range []string{"8bit", "base64", "quoted-printable"} {
			var encoded string
			switch cte {
			case "base64":
				encoded = base64.StdEncoding.EncodeToString(body)
			case "quoted-printable":
				var b bytes.Buffer
				w := quotedprintable.NewWriter(&b)
				w.Write(body)
				w.Close()
				encoded = b.String()
			default:
				encoded = string(body)
			}
			raw := "Subject: " + bWord(tc.label, body) + "\r\nContent-Type: text/plain; charset=\"" + tc.label + "\"\r\nContent-Transfer-Encoding: " + cte + "\r\n\r\n" + encoded
			msg := mustParse(t, []byte(raw))
			if msg.Text != tc.text {
				t.Errorf("%s %s: Text = %q, want %q", tc.label, cte, msg.Text, tc.text)
			}
			if cte == "8bit" && msg.Subject != tc.text {
				t.Errorf("%s: Subject = %q, want %q", tc.label, msg.Subject, tc.text)
			}
		}
	}
	// UTF-7 cannot come from x/text's encoders.
	msg := mustParse(t, []byte("Content-Type: text/plain; charset=utf-7\r\n\r\nHi Mom -+Jjo--!"))
	if msg.Text != "Hi Mom -☺-!" {
		t.Errorf("UTF-7 body = %q", msg.Text)
	}
	// HTML without a charset parameter but with a <meta> declaration.
	html := append([]byte(`<html><head><meta charset="windows-1251"></head><body>`), encodeWith(t, charmap.Windows1251, "Привет")...)
	msg = mustParse(t, append([]byte("Content-Type: text/html\r\n\r\n"), html...))
	if !strings.Contains(msg.HTML, "Привет") {
		t.Errorf("meta charset HTML = %q", msg.HTML)
	}
}

func TestParseStructures(t *testing.T) {
	tests := []struct {
		name  string
		raw   string
		text  string
		html  string
		parts string
	}{
		{
			name: "plain message",
			raw:  "Subject: x\r\n\r\nHello\r\n",
			text: "Hello\n",
		},
		{
			name:  "last alternative wins",
			raw:   "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nplain\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>one</p>\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>two</p>\r\n--b--\r\n",
			text:  "plain",
			html:  "<p>two</p>",
			parts: "",
		},
		{
			name:  "calendar alternative becomes a part",
			raw:   "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\ninvite\r\n--b\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\n--b--\r\n",
			text:  "invite",
			parts: `2 text/calendar "" 15 cid="" inline=false`,
		},
		{
			name:  "mixed text and html are both kept in order",
			raw:   "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfirst <see> https://a.example/\r\n--b\r\nContent-Type: image/gif\r\nContent-Disposition: inline\r\n\r\nGIF\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>second</p>\r\n--b--\r\n",
			text:  "first <see> https://a.example/\nsecond",
			html:  `<div style="white-space: pre-wrap">first &lt;see&gt; <a href="https://a.example/" target="_blank" rel="noopener noreferrer">https://a.example/</a></div><p>second</p>`,
			parts: `2 image/gif "" 3 cid="" inline=true`,
		},
		{
			name:  "text file attachment by name",
			raw:   "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nbody\r\n--b\r\nContent-Type: text/plain; name=log.txt\r\n\r\nlog line\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\nattached\r\n--b--\r\n",
			text:  "body",
			parts: "2 text/plain \"log.txt\" 8 cid=\"\" inline=false\n3 text/plain \"\" 8 cid=\"\" inline=false",
		},
		{
			name:  "non-text root",
			raw:   "Content-Type: image/png; name=shot.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n",
			parts: `1 image/png "shot.png" 8 cid="" inline=false`,
		},
		{
			name:  "digest parts default to message/rfc822",
			raw:   "Content-Type: multipart/digest; boundary=b\r\n\r\n--b\r\n\r\nSubject: one\r\n\r\n1\r\n--b--\r\n",
			parts: `1 message/rfc822 "" 17 cid="" inline=false`,
		},
		{
			name: "multipart without boundary parameter",
			raw:  "Content-Type: multipart/mixed\r\n\r\n--guess\r\nContent-Type: text/plain\r\n\r\nfound\r\n--guess--\r\n",
			text: "found",
		},
		{
			name: "multipart without any delimiter is text",
			raw:  "Content-Type: multipart/mixed; boundary=nothere\r\n\r\njust text\r\n",
			text: "just text\n",
		},
		{
			name: "missing close delimiter",
			raw:  "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nunterminated\r\n",
			text: "unterminated\n",
		},
		{
			name: "base64 label on plain text",
			raw:  "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nThis is not base64, it is text.\r\n",
			text: "This is not base64, it is text.\n",
		},
		{
			name: "broken base64 decodes what it can",
			raw:  "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8g\r\nd29y*bGQ=\r\n",
			text: "hello world",
		},
		{
			name: "invalid quoted-printable kept literally",
			raw:  "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n100=% sure =3D fine=\r\n!\r\n",
			text: "100=% sure = fine!\n",
		},
		{
			name: "empty message",
			raw:  "",
		},
	}
	for _, tc := range tests {
		msg := mustParse(t, []byte(tc.raw))
		if msg.Text != tc.text || msg.HTML != tc.html {
			t.Errorf("%s: Text %q HTML %q, want %q %q", tc.name, msg.Text, msg.HTML, tc.text, tc.html)
		}
		if got := partSummary(msg.Parts); got != tc.parts {
			t.Errorf("%s: parts\n%s\nwant\n%s", tc.name, got, tc.parts)
		}
		for _, p := range msg.Parts {
			if _, content, err := PartContent([]byte(tc.raw), p.ID); err != nil || int64(len(content)) != p.Size {
				t.Errorf("%s: PartContent(%s): %d bytes, %v", tc.name, p.ID, len(content), err)
			}
		}
	}
}

// TestParseLimits checks that hostile structures are cut off quickly.
func TestParseLimits(t *testing.T) {
	var deep strings.Builder
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&deep, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i)
	}
	deep.WriteString("Content-Type: text/plain\r\n\r\nbottom\r\n")

	var wide strings.Builder
	wide.WriteString("Content-Type: multipart/mixed; boundary=w\r\n\r\n")
	for i := 0; i < 20000; i++ {
		wide.WriteString("--w\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n")
	}

	var headers strings.Builder
	for i := 0; i < 200000; i++ {
		headers.WriteString("X-H: v\r\n")
	}
	headers.WriteString("\r\nbody")

	for name, raw := range map[string]string{"deep": deep.String(), "wide": wide.String(), "headers": headers.String()} {
		start := time.Now()
		msg := mustParse(t, []byte(raw))
		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Errorf("%s: took %v", name, elapsed)
		}
		if len(msg.Parts) > MaxParts || len(msg.Headers) > maxHeaderFields {
			t.Errorf("%s: %d parts, %d headers", name, len(msg.Parts), len(msg.Headers))
		}
		for _, p := range msg.Parts {
			if _, _, err := PartContent([]byte(raw), p.ID); err != nil {
				t.Errorf("%s: PartContent(%s): %v", name, p.ID, err)
			}
		}
	}
}

// FuzzParseMessage checks that no input makes the parser, part extraction
// or the sanitizer fail. Without -fuzz it runs the seeds only: the
// testdata messages and the shared MIME corpus (read at run time, never
// copied here).
func FuzzParseMessage(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	files = append(files, mailtest.CorpusFiles(f)...)
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte("Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n--\r\n"))
	f.Add([]byte("Content-Type: text/html; charset=utf-7\r\n\r\n+ADw-script+AD4-"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		msg, err := ParseMessage(raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range msg.Parts {
			if _, _, err := PartContent(raw, p.ID); err != nil {
				t.Fatalf("PartContent(%s): %v", p.ID, err)
			}
		}
		htmlsafe.Sanitize(msg.HTML, htmlsafe.Options{})
		htmlsafe.LinkifyText(msg.Text)
	})
}
