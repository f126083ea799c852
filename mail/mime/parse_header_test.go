package mime

import (
	"encoding/base64"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// encodeWith encodes UTF-8 text into a legacy charset for building test
// input.
func encodeWith(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

func bWord(charset string, b []byte) string {
	return "=?" + charset + "?B?" + base64.StdEncoding.EncodeToString(b) + "?="
}

func TestDecodeHeaderText(t *testing.T) {
	nihon := []byte("日本") // E6 97 A5 E6 9C AC
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Hello world", "Hello world"},
		{"latin1 Q", "=?ISO-8859-1?Q?Gr=FC=DFe?=", "Grüße"},
		{"lower-case charset and encoding", "=?iso-8859-1?q?caf=e9?=", "café"},
		{"windows-1252 euro", "=?windows-1252?Q?=80_5?=", "€ 5"},
		{"iso-8859-2", bWord("ISO-8859-2", encodeWith(t, charmap.ISO8859_2, "Łódź")), "Łódź"},
		{"iso-8859-15", bWord("iso-8859-15", encodeWith(t, charmap.ISO8859_15, "€uro")), "€uro"},
		{"windows-1251", bWord("windows-1251", encodeWith(t, charmap.Windows1251, "Привет")), "Привет"},
		{"koi8-r", bWord("KOI8-R", encodeWith(t, charmap.KOI8R, "Привет")), "Привет"},
		{"iso-2022-jp", bWord("ISO-2022-JP", encodeWith(t, japanese.ISO2022JP, "こんにちは")), "こんにちは"},
		{"shift_jis", bWord("Shift_JIS", encodeWith(t, japanese.ShiftJIS, "日本語")), "日本語"},
		{"gb18030", bWord("GB18030", encodeWith(t, simplifiedchinese.GB18030, "中文邮件")), "中文邮件"},
		{"gb2312 label read as GB18030", bWord("gb2312", encodeWith(t, simplifiedchinese.GBK, "中文")), "中文"},
		{"big5", bWord("Big5", encodeWith(t, traditionalchinese.Big5, "繁體中文")), "繁體中文"},
		{"utf-7", "=?UTF-7?Q?Hi_+AOk-t+AOk-?=", "Hi été"},
		{"utf-8 split across words", bWord("UTF-8", nihon[:2]) + " " + bWord("UTF-8", nihon[2:]), "日本"},
		{"space between words dropped", "=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab"},
		{"text between words kept", "=?UTF-8?Q?a?= and =?UTF-8?Q?b?=", "a and b"},
		{"words around text", "Re: =?UTF-8?Q?=C3=A9t=C3=A9?= plans", "Re: été plans"},
		{"language suffix", "=?UTF-8*en?Q?hi?=", "hi"},
		{"unknown charset falls back", "=?x-unknown?Q?caf=E9?=", "café"},
		{"malformed base64 left alone", "=?UTF-8?B?!!!?=", "=?UTF-8?B?!!!?="},
		{"unterminated word left alone", "=?UTF-8?Q?abc", "=?UTF-8?Q?abc"},
		{"raw latin-1 bytes", "caf\xe9", "café"},
		{"raw utf-8", "naïve", "naïve"},
		{"base64 without padding", "=?UTF-8?B?w6k?=", "é"},
		{"bad Q escape kept", "=?UTF-8?Q?100=ZZ?=", "100=ZZ"},
	}
	for _, tc := range tests {
		if got := DecodeHeaderText(tc.in); got != tc.want {
			t.Errorf("%s: DecodeHeaderText(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestDecodeUTF7(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hi Mom -+Jjo--!", "Hi Mom -☺-!"}, // RFC 2152 examples
		{"+ZeVnLIqe-", "日本語"},
		{"A+ImIDkQ.", "A≢Α."},
		{"1 +- 1 = 2", "1 + 1 = 2"},
		{"+2D3eAQ-", "😁"}, // a surrogate pair
		{"plain", "plain"},
		{"+", ""},
		{"caf\xe9", "caf\uFFFD"},
	}
	for _, tc := range tests {
		if got := decodeUTF7([]byte(tc.in)); got != tc.want {
			t.Errorf("decodeUTF7(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDecodeCharset(t *testing.T) {
	tests := []struct {
		charset string
		in      []byte
		want    string
		known   bool
	}{
		{"utf-8", []byte("é"), "é", true},
		{"", []byte("é"), "é", true},
		{"", []byte("caf\xe9"), "café", true},
		{"us-ascii", []byte("caf\xe9"), "café", true},
		{`"ISO-8859-1"`, []byte("caf\xe9"), "café", true},
		{"latin1", []byte("caf\xe9"), "café", true},
		{"cp1252", []byte("\x93hi\x94"), "“hi”", true},
		{"utf-16le", []byte{'h', 0, 'i', 0}, "hi", true},
		{"unicode-1-1-utf-7", []byte("+AOk-"), "é", true},
		{"fakescii-7", []byte("caf\xe9"), "café", false},
		{"unknown-8bit", []byte("é"), "é", false},
	}
	for _, tc := range tests {
		got, known := decodeCharset(tc.charset, tc.in)
		if got != tc.want || known != tc.known {
			t.Errorf("decodeCharset(%q, %q) = %q, %v; want %q, %v", tc.charset, tc.in, got, known, tc.want, tc.known)
		}
	}
}

func TestReadHeader(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		keys     []string
		values   []string
		bodyWant string
	}{
		{"crlf", "A: 1\r\nB: 2\r\n\r\nbody", []string{"A", "B"}, []string{"1", "2"}, "body"},
		{"lf", "A: 1\nB: 2\n\nbody", []string{"A", "B"}, []string{"1", "2"}, "body"},
		{"folded", "Subject: a\r\n long\r\n\tsubject\r\n\r\nx", []string{"Subject"}, []string{"a long subject"}, "x"},
		{"space before colon", "Subject : hi\r\n\r\n", []string{"Subject"}, []string{"hi"}, ""},
		{"blank line with a space continues", "A: 1\r\n \r\nB: 2\r\n\r\nbody", []string{"A", "B"}, []string{"1", "2"}, "body"},
		{"no blank line", "A: 1\r\nnot a header line\r\nmore", []string{"A"}, []string{"1"}, "not a header line\r\nmore"},
		{"no header", "Just text.\r\n", nil, nil, "Just text.\r\n"},
		{"mbox From line", "From someone Mon Jan 1 00:00:00 2024\r\nA: 1\r\n\r\nb", []string{"A"}, []string{"1"}, "b"},
		{"leading space", " A: 1\r\nB: 2\r\n\r\nb", []string{"A", "B"}, []string{"1", "2"}, "b"},
		{"header only", "A: 1\r\n", []string{"A"}, []string{"1"}, ""},
		{"empty", "", nil, nil, ""},
		{"bare CR", "A: 1\rB: 2\r\rbody", []string{"A", "B"}, []string{"1", "2"}, "body"},
	}
	for _, tc := range tests {
		fields, bodyStart := readHeader([]byte(tc.in))
		var keys, values []string
		for _, f := range fields {
			keys = append(keys, f.key)
			values = append(values, f.value)
		}
		if strings.Join(keys, "|") != strings.Join(tc.keys, "|") || strings.Join(values, "|") != strings.Join(tc.values, "|") {
			t.Errorf("%s: fields %q = %q, want %q = %q", tc.name, keys, values, tc.keys, tc.values)
		}
		if body := tc.in[bodyStart:]; body != tc.bodyWant {
			t.Errorf("%s: body %q, want %q", tc.name, body, tc.bodyWant)
		}
	}
}

func TestReadHeaderBounded(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 50000; i++ {
		b.WriteString("X-Junk: value\r\n")
	}
	b.WriteString("\r\nbody")
	fields, bodyStart := readHeader([]byte(b.String()))
	if len(fields) != maxHeaderFields {
		t.Errorf("kept %d fields, want the limit %d", len(fields), maxHeaderFields)
	}
	if b.String()[bodyStart:] != "body" {
		t.Errorf("body not found after a long header")
	}
}

func TestParseParamHeader(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		token  string
		params map[string]string
	}{
		{"simple", `text/plain; charset="utf-8"; format=flowed`, "text/plain", map[string]string{"charset": "utf-8", "format": "flowed"}},
		{"case", `Text/HTML; CHARSET=ISO-8859-1`, "text/html", map[string]string{"charset": "ISO-8859-1"}},
		{"duplicate keeps first", `text/plain; charset=utf-8; charset=latin1`, "text/plain", map[string]string{"charset": "utf-8"}},
		{"missing closing quote", `attachment; filename="report.pdf`, "attachment", map[string]string{"filename": "report.pdf"}},
		{"unquoted tspecials", `application/pdf; name=Invoice_(1).pdf`, "application/pdf", map[string]string{"name": "Invoice_(1).pdf"}},
		{"double semicolon", `text/plain;; charset=us-ascii`, "text/plain", map[string]string{"charset": "us-ascii"}},
		{"rfc2231 latin1", `attachment; filename*=iso-8859-1'fr'caf%E9.txt`, "attachment", map[string]string{"filename": "café.txt"}},
		{"rfc2231 continuation", `attachment; filename*0*=UTF-8''%C5%BC%C3%B3; filename*1*=%C5%82%C4%87.png`, "attachment", map[string]string{"filename": "żółć.png"}},
		{"rfc2231 plain continuation", `attachment; filename*1="name.txt"; filename*0="long "`, "attachment", map[string]string{"filename": "long name.txt"}},
		{"rfc2231 wins over plain", `attachment; filename="fallback.txt"; filename*=UTF-8''r%C3%A9el.txt`, "attachment", map[string]string{"filename": "réel.txt"}},
		{"rfc2047 in quotes", `image/png; name="=?UTF-8?Q?=C5=BC=C3=B3=C5=82=C4=87.png?="`, "image/png", map[string]string{"name": "żółć.png"}},
		{"windows path", `attachment; filename="C:\temp\a.txt"`, "attachment", map[string]string{"filename": `C:\temp\a.txt`}},
		{"escaped quote", `attachment; filename="say \"hi\".txt"`, "attachment", map[string]string{"filename": `say "hi".txt`}},
		{"8-bit raw", "attachment; filename=\"caf\xe9.doc\"", "attachment", map[string]string{"filename": "café.doc"}},
		{"no params", `inline`, "inline", map[string]string{}},
		{"empty", ``, "", map[string]string{}},
	}
	for _, tc := range tests {
		token, params := parseParamHeader(tc.in)
		if token != tc.token || len(params) != len(tc.params) {
			t.Errorf("%s: got %q %q, want %q %q", tc.name, token, params, tc.token, tc.params)
			continue
		}
		for k, v := range tc.params {
			if params[k] != v {
				t.Errorf("%s: param %s = %q, want %q", tc.name, k, params[k], v)
			}
		}
	}
}

func TestCleanMediaType(t *testing.T) {
	for in, want := range map[string]string{
		"text/plain":      "text/plain",
		"text/plain>":     "text/plain",
		"multipart/mixed": "multipart/mixed",
		"text":            "",
		"/plain":          "",
		"text/":           "",
		"text/plain/x":    "",
		"":                "",
		"image/svg+xml":   "image/svg+xml",
	} {
		if got := cleanMediaType(in); got != want {
			t.Errorf("cleanMediaType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseAddressList(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Address
	}{
		{"simple", "john@example.org", []Address{{"", "john@example.org"}}},
		{"list with quoted comma", `"Doe, John" <john@example.org>, jane@example.org`, []Address{{"Doe, John", "john@example.org"}, {"", "jane@example.org"}}},
		{"encoded name", "=?UTF-8?Q?J=C3=B6rg?= <j@example.org>", []Address{{"Jörg", "j@example.org"}}},
		{"encoded name in quotes", `"=?UTF-8?Q?J=C3=B6rg?=" <j@example.org>`, []Address{{"Jörg", "j@example.org"}}},
		{"latin1 name", "=?iso-8859-1?q?Andr=E9?= <andre@example.org>", []Address{{"André", "andre@example.org"}}},
		{"unquoted dot", "John Q. Public <jqp@example.org>", []Address{{"John Q. Public", "jqp@example.org"}}},
		{"spoofing shows the real address", `"Someone" <valid@example.net>:<attacker@example.org>`, []Address{{"Someone", "attacker@example.org"}}},
		{"angle only", "<bare@example.org>", []Address{{"", "bare@example.org"}}},
		{"group", "friends: a@example.org, b@example.org;", []Address{{"", "a@example.org"}, {"", "b@example.org"}}},
		{"empty group", "undisclosed-recipients:;", []Address{}},
		{"name only", "Just A Name", []Address{{"Just A Name", ""}}},
		{"one bad entry among good ones", `good@example.org, Bad <bad@exa mple.org>, other@example.org`, []Address{{"", "good@example.org"}, {"Bad", "bad@example.org"}, {"", "other@example.org"}}},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		got := ParseAddressList(tc.in)
		if len(got) != len(tc.want) {
			t.Errorf("%s: ParseAddressList(%q) = %+v, want %+v", tc.name, tc.in, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: address %d = %+v, want %+v", tc.name, i, got[i], tc.want[i])
			}
		}
	}
}

func TestAddressString(t *testing.T) {
	for _, tc := range []struct {
		a    Address
		want string
	}{
		{Address{"Jo", "jo@example.org"}, "Jo <jo@example.org>"},
		{Address{"", "jo@example.org"}, "jo@example.org"},
		{Address{"Jo", ""}, "Jo"},
	} {
		if got := tc.a.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.a, got, tc.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"Mon, 01 Jan 2024 12:00:00 +0000", time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)},
		{"Mon, 1 Jan 2024 12:00:00 +0000 (UTC)", time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)},
		{"Fri, 12 June 2025 23:42:00 +0200", time.Date(2025, 6, 12, 21, 42, 0, 0, time.UTC)},
		{"Tuesday, 2 January 2024 10:00:00 -0500", time.Date(2024, 1, 2, 15, 0, 0, 0, time.UTC)},
		{"2 Jan 2024 10:00 +0100", time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)},
		{"Tue Jan  2 15:04:05 2024", time.Date(2024, 1, 2, 15, 4, 5, 0, time.UTC)},
		{"2024-01-02T15:04:05Z", time.Date(2024, 1, 2, 15, 4, 5, 0, time.UTC)},
		{"", time.Time{}},
		{"not a date", time.Time{}},
	}
	for _, tc := range tests {
		if got := ParseDate(tc.in); !got.Equal(tc.want) {
			t.Errorf("ParseDate(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseMsgIDs(t *testing.T) {
	for in, want := range map[string]string{
		"<a@example.org>":                      "a@example.org",
		"<a@example.org> <b@example.org>":      "a@example.org|b@example.org",
		"<a@example.org>\r\n\t<b@example.org>": "a@example.org|b@example.org",
		"a@example.org b@example.org":          "a@example.org|b@example.org",
		"":                                     "",
		"(comment) <c@example.org>":            "c@example.org",
	} {
		if got := strings.Join(ParseMessageIDs(in), "|"); got != want {
			t.Errorf("ParseMessageIDs(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParseDateCommonForm checks the usual forms against net/mail's
// reading, and that reading one allocates no more than the one time.Parse
// it takes (the zone): every list line parses a Date header, and net/mail
// allocates an error for each of the dozen layouts it tries before the
// usual one.
func TestParseDateCommonForm(t *testing.T) {
	for in, layout := range map[string]string{
		"Mon, 01 Jan 2024 12:00:00 +0000": "Mon, 2 Jan 2006 15:04:05 -0700",
		"Tue, 2 Jan 2024 23:59:59 -0930":  "Mon, 2 Jan 2006 15:04:05 -0700",
		"2 Jan 2024 10:00 +0100":          "2 Jan 2006 15:04 -0700",
		"Sun, 31 Dec 2023 00:00 +1400":    "Mon, 2 Jan 2006 15:04 -0700",
		"Wed, 29 Feb 2024 12:34:56 -0000": "Mon, 2 Jan 2006 15:04:05 -0700",
	} {
		want, err := netmail.ParseDate(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := ParseDate(in); !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, net/mail %v", in, got, want)
		}
		parse := testing.AllocsPerRun(20, func() { _, _ = time.Parse(layout, in) })
		if allocs := testing.AllocsPerRun(20, func() { ParseDate(in) }); allocs > parse {
			t.Errorf("ParseDate(%q): %.0f allocations, want at most time.Parse's %.0f", in, allocs, parse)
		}
	}
	// Look-alikes that are not the usual form still parse the long way.
	for in, want := range map[string]time.Time{
		"Mon, 1 Jan 2024 12:00:00 +0000 (UTC)":   time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC),
		"Mon, 1 JAN 2024 12:00:00 +0000":         time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC),
		"Foo, 1 Jan 2024 12:00:00 +0000":         {},
		"Mon, 1 Jan 2024 12:00:00 GMT":           time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC),
		"Mon, 32 Jan 2024 12:00:00 +0000":        {},
		"Tuesday, 2 January 2024 10:00:00 -0500": time.Date(2024, 1, 2, 15, 0, 0, 0, time.UTC),
	} {
		if got := ParseDate(in); !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, want %v", in, got, want)
		}
	}
}
