package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	stdmime "mime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	_ "github.com/emersion/go-message/charset"
	gomail "github.com/emersion/go-message/mail"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/store"
)

// minioStore opens an S3 attachment store on a fresh bucket of the test
// MinIO.
func minioStore(t *testing.T) attachments.Store {
	t.Helper()
	server := testenv.NewMinIO(t)
	att, err := attachments.Open(t.Context(), "s3", attachments.Config{Settings: map[string]string{
		"endpoint": server.Endpoint, "bucket": server.NewBucket(t), "access_key": server.AccessKey,
		"secret_key": server.SecretKey, "region": server.Region, "secure": "false",
	}})
	if err != nil {
		t.Fatal(err)
	}
	return att
}

// attachmentOf reads the message's attachment: its filename (decoded) and
// the hash of its decoded bytes.
func attachmentOf(t *testing.T, raw []byte) (filename string, sum [sha256.Size]byte) {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			t.Fatal("no attachment in the message")
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*gomail.AttachmentHeader); ok {
			name, err := h.Filename()
			if err != nil {
				t.Fatal(err)
			}
			return name, sha(t, p.Body)
		}
	}
}

// textOf returns the message's first text/plain part, decoded.
func textOf(t *testing.T, raw []byte) string {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := r.NextPart()
		if err != nil {
			t.Fatalf("no text part: %v", err)
		}
		if h, ok := p.Header.(*gomail.InlineHeader); ok {
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				b, err := io.ReadAll(p.Body)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
		}
	}
}

// TestSendDeliversThroughPostfix sends a message with non-ASCII names,
// subject and filename and an attachment kept in MinIO, without undo
// delay: the result is "sent", the recipient's INBOX holds it with
// 7-bit headers that decode to exactly what was written and the
// attachment's bytes intact, the sender's Sent holds a \Seen copy, and
// the compose, its upload and the stored message are gone.
func TestSendDeliversThroughPostfix(t *testing.T) {
	att := minioStore(t)
	s := newSendApp(t, att, "")
	ctx := context.Background()
	sess, u, email, password := s.user(t, 0)
	rcpt, rcptPassword := s.env.AddUser(t)

	subject := "Grüße aus Köln — 日本語 ✓"
	body := "Hallo Jürgen,\r\nanbei die Überweisung.\r\n.\r\nEnde.\r\n"
	idents, err := s.DB.EnsureDefaultIdentity(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	ident := idents[0]
	ident.Name = "Zoë Ångström"
	if err := s.DB.UpdateIdentity(ctx, ident); err != nil {
		t.Fatal(err)
	}
	c := s.compose(t, u, store.Compose{To: "Jürgen Groß <" + rcpt + ">", Subject: subject, BodyText: body, IdentityID: ident.ID})
	data := bytes.Repeat([]byte("PDF-ish \x00\xff bytes "), 50_000) // ~1 MB, binary
	filename := "Überweisung März €.pdf"
	up := s.upload(t, u, c, filename, "application/pdf", data)

	start := time.Now()
	res, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if res.State != SendSent {
		t.Fatalf("state = %q (%s), want sent", res.State, res.ServerAnswer)
	}
	t.Logf("SendCompose with a 1 MB attachment (MinIO, Postfix, Sent copy): %v", elapsed)

	s.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	raws, _ := mailboxMessages(t, s.env.IMAPClient(t, rcpt, rcptPassword), "INBOX")
	if len(raws) != 1 {
		t.Fatalf("recipient INBOX holds %d messages, want 1", len(raws))
	}
	raw := raws[0]
	header := headerOf(raw)
	for i := 0; i < len(header); i++ {
		if header[i] >= 0x80 {
			t.Fatalf("header byte %d is not 7-bit: %q", i, header)
		}
	}
	dec := stdmime.WordDecoder{}
	m, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := dec.DecodeHeader(m.Header.Get("Subject")); got != subject {
		t.Errorf("Subject decodes to %q, want %q (raw %q)", got, subject, m.Header.Get("Subject"))
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Zoë Ångström" || from[0].Address != email {
		t.Errorf("From = %v, %v", from, err)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Jürgen Groß" || to[0].Address != rcpt {
		t.Errorf("To = %v, %v", to, err)
	}
	msgOut, err := s.DB.OutboxByCompose(ctx, c.ID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Byte for byte, as the builder encodes them (RFC 2047 Q, UTF-8).
	for _, line := range []string{
		"Message-Id: <" + msgOut.MessageID + ">",
		"From: =?utf-8?q?Zo=C3=AB_=C3=85ngstr=C3=B6m?= <" + email + ">",
		"To: =?utf-8?q?J=C3=BCrgen_Gro=C3=9F?= <" + rcpt + ">",
		"Mime-Version: 1.0",
	} {
		if !hasLine(header, line) {
			t.Errorf("no header line %q in %q", line, header)
		}
	}
	for _, name := range []string{"Bcc", "X-Mailer-Injected"} {
		if m.Header.Get(name) != "" {
			t.Errorf("header %s present", name)
		}
	}
	gotName, gotSum := attachmentOf(t, raw)
	if gotName != filename {
		t.Errorf("attachment filename %q, want %q", gotName, filename)
	}
	if gotSum != sha256.Sum256(data) {
		t.Error("attachment bytes differ after the trip")
	}
	// A line with a lone dot would end the SMTP DATA early if it were
	// not dot-stuffed: the whole text must arrive.
	if got := textOf(t, raw); strings.ReplaceAll(got, "\r\n", "\n") != strings.ReplaceAll(body, "\r\n", "\n") {
		t.Errorf("text = %q, want %q", got, body)
	}

	sentRaws, sentFlags := mailboxMessages(t, s.env.IMAPClient(t, email, password), "Sent")
	if len(sentRaws) != 1 || !slices.Contains(sentFlags[0], imap.FlagSeen) {
		t.Fatalf("Sent holds %d messages (flags %v), want 1 \\Seen", len(sentRaws), sentFlags)
	}
	if !bytes.Contains(sentRaws[0], []byte(msgOut.MessageID)) {
		t.Error("the copy in Sent is not the message sent")
	}

	// What the sent message no longer needs is gone; the recipient is
	// collected for autocomplete.
	if _, err := s.DB.Compose(ctx, c.ID, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("compose after sending: %v, want gone", err)
	}
	for _, key := range []string{up.StoreKey, msgOut.StoreKey} {
		if _, err := att.Stat(ctx, key); !errors.Is(err, attachments.ErrNotFound) {
			t.Errorf("stored object %s after sending: %v, want gone", key, err)
		}
	}
	if len(msgOut.SealedCredentials) != 0 {
		t.Error("the sealed login is kept after sending")
	}
	contacts, err := s.DB.SearchContacts(store.WithPrimaryReads(ctx), u.ID, "jürgen", 5)
	if err != nil || len(contacts) != 1 || contacts[0].Email != rcpt {
		t.Errorf("contacts for jürgen = %v, %v", contacts, err)
	}
}
