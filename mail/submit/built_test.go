package submit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	_ "github.com/emersion/go-message/charset"
	gomail "github.com/emersion/go-message/mail"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail/mime"
)

// A message built by mail/mime goes through Postfix and Dovecot
// unchanged: non-ASCII names, subject and filenames decode back, and the
// attachment's bytes hash the same.
func TestSubmitBuiltMessageArrivesIntact(t *testing.T) {
	env := testenv.NewMail(t)
	from, password := env.AddUser(t)
	to, toPassword := env.AddUser(t)
	attachment := bytes.Repeat([]byte("\x00\x01binary\xff\r\n.\r\n"), 50000)
	forwarded := "From: old@example.test\r\nSubject: older\r\n\r\n.starts with a dot\r\nÜmlaut 8bit\r\n"
	m := mime.Outgoing{
		From:    mime.Address{Name: "Jürgen Müller", Email: from},
		To:      []mime.Address{{Name: "田中 太郎", Email: to}},
		Subject: "Grüße — 東京 ✓ " + t.Name(),
		HTML:    "<p>Hallo <b>Taro</b>, siehe Anhang.</p>",
		Attachments: []mime.Attachment{{Filename: "Prüfbericht «final».bin", ContentType: "application/octet-stream",
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(attachment)), nil }}},
		ForwardedMessages: []mime.ForwardedMessage{{Filename: "älter.eml",
			Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(forwarded)), nil }}},
	}
	var raw bytes.Buffer
	built, err := mime.Build(&raw, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Submit(context.Background(), endpoint(t, env.SubmissionAddr), from, password,
		Envelope{From: built.From, To: built.Recipients, Size: int64(raw.Len())}, bytes.NewReader(raw.Bytes()), Options{}); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	env.WaitForMessages(t, to, toPassword, "INBOX", 1)

	c := env.IMAPClient(t, to, toPassword)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch: %v", err)
	}
	var stored []byte
	for _, b := range msgs[0].BodySection {
		stored = b.Bytes
	}
	r, err := gomail.CreateReader(bytes.NewReader(stored))
	if err != nil {
		t.Fatal(err)
	}
	if subject, _ := r.Header.Subject(); subject != m.Subject {
		t.Errorf("Subject arrived as %q", subject)
	}
	if list, _ := r.Header.AddressList("From"); len(list) != 1 || list[0].Name != "Jürgen Müller" {
		t.Errorf("From arrived as %v", list)
	}
	if list, _ := r.Header.AddressList("To"); len(list) != 1 || list[0].Name != "田中 太郎" {
		t.Errorf("To arrived as %v", list)
	}
	if id, _ := r.Header.MessageID(); id != built.MessageID {
		t.Errorf("Message-ID arrived as %q, built %q", id, built.MessageID)
	}
	var names []string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		h, ok := p.Header.(*gomail.AttachmentHeader)
		if !ok {
			continue
		}
		name, _ := h.Filename()
		names = append(names, name)
		body, err := io.ReadAll(p.Body)
		if err != nil {
			t.Fatal(err)
		}
		switch name {
		case "Prüfbericht «final».bin":
			if sha256.Sum256(body) != sha256.Sum256(attachment) {
				t.Errorf("attachment changed on the way: %d bytes, want %d", len(body), len(attachment))
			}
		case "älter.eml":
			if string(body) != forwarded {
				t.Errorf("forwarded message arrived as %q", body)
			}
		}
	}
	if strings.Join(names, "|") != "Prüfbericht «final».bin|älter.eml" {
		t.Errorf("attachments arrived as %q", names)
	}
}
