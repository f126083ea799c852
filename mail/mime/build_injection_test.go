package mime

import (
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-message"
)

// injections are the ways a field's value might try to end its header
// line and start one of its own.
var injections = []string{
	"x\r\nX-Injected: crlf",
	"x\nX-Injected: lf",
	"x\rX-Injected: cr",
	"x\x00X-Injected: nul",
	"x\r\n\r\nX-Injected: body",
	"x\u0085X-Injected: nel",
}

func baseOutgoing() Outgoing {
	return Outgoing{
		From: Address{Name: "Alice", Email: "alice@example.test"},
		To:   []Address{{Name: "Bob", Email: "bob@example.test"}},
		Text: "body", HTML: `<p>body <img src="cid:img@example.test"></p>`,
	}
}

// TestBuildHeaderInjection tries every field. Each must either refuse
// with an error naming the field, or (filenames, content types) clean
// the value; in no case may a header line of the attacker's appear.
func TestBuildHeaderInjection(t *testing.T) {
	type fieldCase struct {
		field string // the Field the error must name; "" when the value is cleaned instead
		set   func(m *Outgoing, bad string)
	}
	cases := map[string]fieldCase{
		"subject":            {"Subject", func(m *Outgoing, bad string) { m.Subject = bad }},
		"from name":          {"From", func(m *Outgoing, bad string) { m.From.Name = bad }},
		"from email":         {"From", func(m *Outgoing, bad string) { m.From.Email = "alice@example.test" + bad }},
		"to name":            {"To", func(m *Outgoing, bad string) { m.To[0].Name = bad }},
		"to email":           {"To", func(m *Outgoing, bad string) { m.To[0].Email = bad + "@example.test" }},
		"cc":                 {"Cc", func(m *Outgoing, bad string) { m.Cc = []Address{{Name: bad, Email: "c@example.test"}} }},
		"bcc":                {"Bcc", func(m *Outgoing, bad string) { m.Bcc = []Address{{Email: "d@example.test" + bad}} }},
		"reply-to":           {"Reply-To", func(m *Outgoing, bad string) { m.ReplyTo = []Address{{Name: bad, Email: "r@example.test"}} }},
		"sender":             {"Sender", func(m *Outgoing, bad string) { m.Sender = Address{Name: bad, Email: "s@example.test"} }},
		"read receipt":       {"Read receipt", func(m *Outgoing, bad string) { m.ReadReceiptTo = Address{Email: "rr@example.test" + bad} }},
		"in-reply-to":        {"In-Reply-To", func(m *Outgoing, bad string) { m.InReplyTo = "<id@example.test>" + bad }},
		"references":         {"References", func(m *Outgoing, bad string) { m.References = []string{"<a@example.test>", bad} }},
		"message-id":         {"Message-ID", func(m *Outgoing, bad string) { m.MessageID = "id@example.test" + bad }},
		"extra header value": {"Header X-Custom", func(m *Outgoing, bad string) { m.ExtraHeaders = []HeaderField{{Name: "X-Custom", Value: bad}} }},
		"extra header name":  {"Header", func(m *Outgoing, bad string) { m.ExtraHeaders = []HeaderField{{Name: "X-Custom" + bad, Value: "v"}} }},
		"content ID": {"Attachment 1 content ID", func(m *Outgoing, bad string) {
			m.Attachments = []Attachment{{Filename: "i.png", ContentType: "image/png", ContentID: "img@example.test" + bad, Open: opener("png")}}
		}},
		"attachment filename": {"", func(m *Outgoing, bad string) {
			m.Attachments = []Attachment{{Filename: "a" + bad + ".pdf", ContentType: "application/pdf", Open: opener("pdf")}}
		}},
		"attachment content type": {"", func(m *Outgoing, bad string) {
			m.Attachments = []Attachment{{Filename: "a.pdf", ContentType: "application/pdf" + bad, Open: opener("pdf")}}
		}},
		"forwarded filename": {"", func(m *Outgoing, bad string) {
			m.ForwardedMessages = []ForwardedMessage{{Filename: "f" + bad + ".eml", Open: opener("Subject: x\r\n\r\nx\r\n")}}
		}},
	}
	for name, fc := range cases {
		for _, bad := range injections {
			t.Run(name+"/"+strings.NewReplacer("\r", `\r`, "\n", `\n`, "\x00", `\0`, "\u0085", `NEL`).Replace(bad[1:12]), func(t *testing.T) {
				m := baseOutgoing()
				fc.set(&m, bad)
				for _, build := range []func(*strings.Builder, Outgoing) (Built, error){
					func(w *strings.Builder, m Outgoing) (Built, error) { return Build(w, m) },
					func(w *strings.Builder, m Outgoing) (Built, error) { return BuildDraft(w, m) },
				} {
					var out strings.Builder
					_, err := build(&out, m)
					if fc.field == "" {
						if err != nil {
							t.Fatalf("Build = %v, want the value cleaned", err)
						}
						assertNoInjectedHeader(t, out.String())
						continue
					}
					if out.Len() != 0 {
						t.Errorf("Build wrote %d bytes before refusing", out.Len())
					}
					var fieldErr *FieldError
					var addrErr *AddressError
					switch {
					case errors.As(err, &fieldErr):
						if !strings.HasPrefix(fieldErr.Field, fc.field) || !errors.Is(err, ErrInvalidField) {
							t.Errorf("FieldError names %q, want %q", fieldErr.Field, fc.field)
						}
						if hasControl(fieldErr.UserMessage()) {
							t.Errorf("UserMessage %q holds control characters", fieldErr.UserMessage())
						}
					case errors.As(err, &addrErr):
						if addrErr.Field != fc.field || !errors.Is(err, ErrInvalidAddress) {
							t.Errorf("AddressError names %q, want %q", addrErr.Field, fc.field)
						}
						if hasControl(addrErr.UserMessage()) || hasControl(addrErr.Address) {
							t.Errorf("UserMessage %q holds control characters", addrErr.UserMessage())
						}
					default:
						t.Fatalf("Build = %v, want a FieldError or AddressError for %s", err, fc.field)
					}
				}
			})
		}
	}
}

// assertNoInjectedHeader reads every header of every part and looks for
// the field the injections try to create.
func assertNoInjectedHeader(t *testing.T, raw string) {
	t.Helper()
	checkHeaderBytes(t, raw)
	e, err := message.Read(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(e *message.Entity)
	walk = func(e *message.Entity) {
		if e.Header.Has("X-Injected") {
			t.Errorf("injected header reached the message:\n%s", raw)
		}
		if mr := e.MultipartReader(); mr != nil {
			for {
				p, err := mr.NextPart()
				if err != nil {
					break
				}
				walk(p)
			}
		}
	}
	walk(e)
}

func TestExtraHeaderReserved(t *testing.T) {
	for _, name := range []string{"From", "bcc", "CONTENT-TYPE", "Message-ID", "mime-version", "Content-Transfer-Encoding", "Received"} {
		m := baseOutgoing()
		m.ExtraHeaders = []HeaderField{{Name: name, Value: "x"}}
		var fe *FieldError
		if _, err := Build(&strings.Builder{}, m); !errors.As(err, &fe) {
			t.Errorf("extra header %q = %v, want refused", name, err)
		}
	}
	for _, name := range []string{"", "X Space", "X:Colon", "Ünïcode", strings.Repeat("X", 77)} {
		m := baseOutgoing()
		m.ExtraHeaders = []HeaderField{{Name: name, Value: "x"}}
		if _, err := Build(&strings.Builder{}, m); !errors.Is(err, ErrInvalidField) {
			t.Errorf("extra header name %q = %v, want refused", name, err)
		}
	}
}

func TestParseRecipients(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Address
	}{
		{"", nil},
		{"bob@example.test", []Address{{Email: "bob@example.test"}}},
		{`"Doe, Jane" <jane@example.test>, bob@example.test`, []Address{{Name: "Doe, Jane", Email: "jane@example.test"}, {Email: "bob@example.test"}}},
		{"a@example.test; b@example.test;", []Address{{Email: "a@example.test"}, {Email: "b@example.test"}}},
		{"Jürgen <j@bücher.example>", []Address{{Name: "Jürgen", Email: "j@xn--bcher-kva.example"}}},
		{"=?utf-8?q?J=C3=BCrgen?= <j@example.test>", []Address{{Name: "Jürgen", Email: "j@example.test"}}},
		{"Bob (work) <bob@example.test>", []Address{{Name: "Bob", Email: "bob@example.test"}}},
	} {
		got, err := ParseRecipients("To", tc.in)
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("ParseRecipients(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("ParseRecipients(%q)[%d] = %+v, want %+v", tc.in, i, got[i], tc.want[i])
			}
		}
	}
	for _, tc := range []struct{ in, bad string }{
		{"bob@example.test, not an address", "not an address"},
		{"good@example.test, bad@", "bad@"},
		{"jürgen@example.test", "jürgen@example.test"},
		{"x@exa mple.test", "x@exa mple.test"},
		{"a@example.test\r\nBcc: evil@example.test", "a@example.test??Bcc: evil@example.test"},
		{"Eve <eve@example.test>\nX-Injected: 1", "Eve <eve@example.test>?X-Injected: 1"},
		{"a@-bad-.test", "a@-bad-.test"},
	} {
		_, err := ParseRecipients("Cc", tc.in)
		var ae *AddressError
		if !errors.As(err, &ae) || ae.Field != "Cc" || ae.Address != tc.bad {
			t.Errorf("ParseRecipients(%q) = %v, want an AddressError for Cc naming %q", tc.in, err, tc.bad)
		}
	}
}
