package mime

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

func opener(data string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(data)), nil }
}

func buildString(t *testing.T, m Outgoing) (string, Built) {
	t.Helper()
	var b bytes.Buffer
	built, err := Build(&b, m)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return b.String(), built
}

// topFields reads the top-level header of raw as written.
func topFields(t *testing.T, raw string) *textproto.Header {
	t.Helper()
	h, err := textproto.ReadHeader(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatalf("read header: %v", err)
	}
	return &h
}

// checkHeaderBytes enforces what a header on the wire must be: ASCII
// only, CRLF line ends, lines short enough to fold well.
func checkHeaderBytes(t *testing.T, raw string) {
	t.Helper()
	for _, part := range headerBlocks(raw) {
		for _, line := range strings.Split(strings.TrimSuffix(part, "\r\n"), "\r\n") {
			if len(line) > 78 {
				t.Errorf("header line of %d bytes: %q", len(line), line)
			}
			for i := 0; i < len(line); i++ {
				if c := line[i]; c >= 0x7f || (c < ' ' && c != '\t') {
					t.Errorf("header line with byte %#x: %q", c, line)
				}
			}
			if strings.Contains(line, "\r") || strings.Contains(line, "\n") {
				t.Errorf("bare CR or LF in header line %q", line)
			}
		}
	}
}

// headerBlocks returns the top header and every part header of a message.
func headerBlocks(raw string) []string {
	var blocks []string
	end := strings.Index(raw, "\r\n\r\n")
	blocks = append(blocks, raw[:end+2])
	for _, piece := range strings.Split(raw, "\r\n--")[1:] {
		nl := strings.Index(piece, "\r\n")
		if nl < 0 || strings.HasPrefix(piece[nl:], "\r\n\r\n") || strings.HasSuffix(piece[:nl], "--") {
			continue
		}
		rest := piece[nl+2:]
		if e := strings.Index(rest, "\r\n\r\n"); e >= 0 {
			blocks = append(blocks, rest[:e+2])
		}
	}
	return blocks
}

func TestBuildNonASCIIRoundTrip(t *testing.T) {
	longName := strings.Repeat("Überweisungsbeleg-", 8) + "東京.pdf"
	m := Outgoing{
		From:    Address{Name: "Jürgen Müller-Lüdenscheidt", Email: "juergen@example.test"},
		To:      []Address{{Name: "田中 太郎", Email: "taro@bücher.example"}, {Name: `Doe, "Jane"`, Email: "jane@example.test"}},
		Cc:      []Address{{Email: "cc@example.test"}},
		Subject: "Grüße aus Köln — 東京の会議について ✓ und ein ziemlich langer Betreff, der gefaltet werden muss",
		Text:    "Hallo Taro,\nanbei der Bericht.\n",
		Attachments: []Attachment{
			{Filename: "Prüfbericht «final».pdf", ContentType: "application/pdf", Open: opener("%PDF-1.4 first")},
			{Filename: longName, ContentType: "application/pdf", Open: opener("%PDF-1.4 second")},
			{Filename: "plain.txt", ContentType: "text/plain", Open: opener("ascii")},
		},
	}
	raw, built := buildString(t, m)
	checkHeaderBytes(t, raw)

	r, err := gomail.CreateReader(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	from, err := r.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != m.From.Name || from[0].Address != m.From.Email {
		t.Errorf("From decoded to %v, %v", from, err)
	}
	to, err := r.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Name != "田中 太郎" || to[0].Address != "taro@xn--bcher-kva.example" ||
		to[1].Name != `Doe, "Jane"` || to[1].Address != "jane@example.test" {
		t.Errorf("To decoded to %v, %v", to, err)
	}
	if subject, err := r.Header.Subject(); err != nil || subject != m.Subject {
		t.Errorf("Subject decoded to %q, %v", subject, err)
	}
	fields := topFields(t, raw)
	if v := fields.Get("Subject"); !strings.HasPrefix(v, "=?utf-8?q?") {
		t.Errorf("Subject on the wire %q, want RFC 2047 Q-encoding", v)
	}
	if v := fields.Get("Mime-Version"); v != "1.0" {
		t.Errorf("MIME-Version %q", v)
	}
	if date, err := r.Header.Date(); err != nil || !date.Equal(built.Date.Truncate(time.Second)) {
		t.Errorf("Date decoded to %v, %v; built %v", date, err, built.Date)
	}
	if id, err := r.Header.MessageID(); err != nil || id != built.MessageID || !strings.HasSuffix(id, "@example.test") || len(id) < 30 {
		t.Errorf("Message-ID %q, %v; built %q, want random@example.test", id, err, built.MessageID)
	}
	wantRcpt := []string{"taro@xn--bcher-kva.example", "jane@example.test", "cc@example.test"}
	if strings.Join(built.Recipients, ",") != strings.Join(wantRcpt, ",") || built.From != "juergen@example.test" {
		t.Errorf("envelope %q from %q, want %q", built.Recipients, built.From, wantRcpt)
	}

	wantNames := []string{"Prüfbericht «final».pdf", longName, "plain.txt"}
	var names []string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*gomail.AttachmentHeader); ok {
			name, err := h.Filename()
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, name)
		}
	}
	if strings.Join(names, "|") != strings.Join(wantNames, "|") {
		t.Errorf("filenames decoded to %q, want %q", names, wantNames)
	}
	if !strings.Contains(raw, `filename*=utf-8''Pr%C3%BCfbericht`) || !strings.Contains(raw, `filename*0*=utf-8''%C3%9Cberweisungsbeleg`) ||
		!strings.Contains(raw, "filename*1*=") || !strings.Contains(raw, `filename="plain.txt"`) {
		t.Errorf("filenames not in RFC 2231 form (with sections for the long one):\n%s", strings.Join(headerBlocks(raw), "\n"))
	}
}

func TestBuildHeaders(t *testing.T) {
	date := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	m := Outgoing{
		From:          Address{Name: "Alice", Email: "alice@example.test"},
		Sender:        Address{Email: "assistant@example.test"},
		To:            []Address{{Email: "bob@example.test"}},
		Bcc:           []Address{{Name: "Secret", Email: "secret@example.test"}, {Email: "BOB@example.test"}},
		ReplyTo:       []Address{{Email: "replies@example.test"}},
		Subject:       "Plain subject",
		Text:          "Hi",
		InReplyTo:     "orig@example.test",
		References:    []string{"<first@example.test>", "not a message id", "orig@example.test"},
		Priority:      PriorityHigh,
		ReadReceiptTo: Address{Email: "alice@example.test"},
		Date:          date,
		MessageID:     "<fixed-id@example.test>",
		ExtraHeaders:  []HeaderField{{Name: "User-Agent", Value: "webmail"}, {Name: "X-Note", Value: "ünïcödé"}},
	}
	raw, built := buildString(t, m)
	checkHeaderBytes(t, raw)
	h := topFields(t, raw)
	for key, want := range map[string]string{
		"Date":                        "Mon, 06 May 2024 07:08:09 +0000",
		"Message-Id":                  "<fixed-id@example.test>",
		"Sender":                      "<assistant@example.test>",
		"Reply-To":                    "<replies@example.test>",
		"In-Reply-To":                 "<orig@example.test>",
		"References":                  "<first@example.test> <orig@example.test>",
		"X-Priority":                  "1 (Highest)",
		"Importance":                  "High",
		"Disposition-Notification-To": "<alice@example.test>",
		"User-Agent":                  "webmail",
		"X-Note":                      "=?utf-8?q?=C3=BCn=C3=AFc=C3=B6d=C3=A9?=",
		"Content-Type":                "text/plain; charset=utf-8",
		"Content-Transfer-Encoding":   "quoted-printable",
	} {
		if got := h.Get(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if h.Has("Bcc") || strings.Contains(raw, "secret@") {
		t.Errorf("Build wrote Bcc into the message:\n%s", raw)
	}
	if built.MessageID != "fixed-id@example.test" ||
		strings.Join(built.Recipients, ",") != "bob@example.test,secret@example.test" {
		t.Errorf("built %+v: the retried ID kept and Bcc in the envelope once", built)
	}

	var draft bytes.Buffer
	if _, err := BuildDraft(&draft, m); err != nil {
		t.Fatal(err)
	}
	if got := topFields(t, draft.String()).Get("Bcc"); got != `"Secret" <secret@example.test>, <BOB@example.test>` && got != `Secret <secret@example.test>, <BOB@example.test>` {
		t.Errorf("draft Bcc = %q", got)
	}

	m.To, m.Bcc = nil, nil
	m.Cc = nil
	if _, err := Build(io.Discard, m); !errors.Is(err, ErrNoRecipients) {
		t.Errorf("Build without recipients = %v, want ErrNoRecipients", err)
	}
	if _, err := BuildDraft(io.Discard, m); err != nil {
		t.Errorf("BuildDraft without recipients = %v", err)
	}
}

func TestBuildReferencesTrimmed(t *testing.T) {
	var refs []string
	for i := range 30 {
		refs = append(refs, "<ref"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.test>")
	}
	raw, _ := buildString(t, Outgoing{From: Address{Email: "a@example.test"}, To: []Address{{Email: "b@example.test"}}, References: refs})
	checkHeaderBytes(t, raw)
	got := strings.Fields(topFields(t, raw).Get("References"))
	if len(got) != maxReferences || got[0] != refs[0] || got[len(got)-1] != refs[29] {
		t.Errorf("References kept %d: first %q last %q; want %d with the first and the last", len(got), got[0], got[len(got)-1], maxReferences)
	}
}

func TestBuildTextBodyQuotedPrintable(t *testing.T) {
	text := "Zeile eins mit Umlauten: äöü\r\nZeile zwei\n\n" + strings.Repeat("lang ", 40) + "\n.dot line\nFrom the start\n"
	raw, _ := buildString(t, Outgoing{From: Address{Email: "a@example.test"}, To: []Address{{Email: "b@example.test"}}, Text: text})
	body := raw[strings.Index(raw, "\r\n\r\n")+4:]
	for _, line := range strings.Split(body, "\r\n") {
		if len(line) > 76 {
			t.Errorf("body line of %d bytes", len(line))
		}
	}
	e, err := message.Read(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	decoded, _ := io.ReadAll(e.Body)
	want := strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n")
	if string(decoded) != want {
		t.Errorf("decoded body %q, want %q", decoded, want)
	}
}

func TestBuildOpenerFailure(t *testing.T) {
	storeErr := errors.New("store unavailable")
	m := Outgoing{From: Address{Email: "a@example.test"}, To: []Address{{Email: "b@example.test"}}, Text: "x",
		Attachments: []Attachment{{Filename: "a.bin", Open: func() (io.ReadCloser, error) { return nil, storeErr }}}}
	if _, err := Build(io.Discard, m); !errors.Is(err, storeErr) {
		t.Errorf("Build with a failing opener = %v, want it wrapped", err)
	}
}
