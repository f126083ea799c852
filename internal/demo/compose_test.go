package demo

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/mail/submit"
)

// The webmail's own sending path against the demo: a message built by
// mail/mime and submitted by mail/submit arrives in the demo INBOX, and
// the demo IMAP takes the Sent copy and draft replacements.
func TestComposePathAgainstDemo(t *testing.T) {
	s, _ := startDemo(t)
	// A hang guard: mail/submit and mail bound each exchange by ctx.
	ctx, cancel := context.WithTimeout(t.Context(), 4*clientTimeout)
	defer cancel()
	smtpEP, err := mail.ParseSMTPURL("smtp://" + s.SMTPAddr)
	if err != nil {
		t.Fatal(err)
	}
	imapEP, err := mail.ParseIMAPURL("imap://" + s.IMAPAddr)
	if err != nil {
		t.Fatal(err)
	}

	if size, err := submit.MaxSize(ctx, smtpEP, submit.Options{}); err != nil || size != MaxMessageBytes {
		t.Errorf("MaxSize = %d, %v; want %d", size, err, MaxMessageBytes)
	}

	subject := "Grüße from compose " + time.Now().Format(time.RFC3339Nano)
	var raw bytes.Buffer
	built, err := mime.Build(&raw, mime.Outgoing{
		From:    mime.Address{Name: "Demo User", Email: DefaultUser},
		To:      []mime.Address{{Email: DefaultUser}},
		Bcc:     []mime.Address{{Email: "friend@elsewhere.example"}},
		Subject: subject,
		HTML:    "<p>Hello <b>demo</b></p>",
		Attachments: []mime.Attachment{{Filename: "notes.txt", ContentType: "text/plain",
			Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("notes")), nil }}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := submit.Submit(ctx, smtpEP, DefaultUser, DefaultPassword,
		submit.Envelope{From: built.From, To: built.Recipients, Size: int64(raw.Len())}, bytes.NewReader(raw.Bytes()), submit.Options{}); err != nil {
		t.Fatalf("Submit: %v", err)
	}

	c, err := mail.DialIMAP(ctx, imapEP, DefaultUser, DefaultPassword, mail.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	checker := loginIMAP(t, s)
	if _, err := checker.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	found, err := checker.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: built.MessageID}}}, nil).Wait()
	if err != nil || len(found.AllUIDs()) != 1 {
		t.Fatalf("INBOX search for %s: %v, %v; want the submitted message once", built.MessageID, found, err)
	}
	original := uint32(found.AllUIDs()[0])

	sent, err := c.SentMailbox(ctx)
	if err != nil || sent != "Sent" {
		t.Fatalf("SentMailbox = %q, %v", sent, err)
	}
	copied, err := c.Append(ctx, sent, []string{mail.FlagSeen}, time.Time{}, int64(raw.Len()), bytes.NewReader(raw.Bytes()))
	if err != nil || copied.UID == 0 {
		t.Fatalf("Append to Sent = %+v, %v", copied, err)
	}

	drafts, err := c.DraftsMailbox(ctx)
	if err != nil || drafts != "Drafts" {
		t.Fatalf("DraftsMailbox = %q, %v", drafts, err)
	}
	first, err := c.ReplaceDraft(ctx, drafts, 0, int64(raw.Len()), bytes.NewReader(raw.Bytes()))
	if err != nil {
		t.Fatalf("first draft: %v", err)
	}
	second, err := c.ReplaceDraft(ctx, drafts, first.UID, int64(raw.Len()), bytes.NewReader(raw.Bytes()))
	if err != nil || second.UID == first.UID {
		t.Fatalf("replaced draft = %+v, %v", second, err)
	}
	if _, err := checker.Select(drafts, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	all, err := checker.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	uids := all.AllUIDs()
	if slices.Contains(uids, imap.UID(first.UID)) || !slices.Contains(uids, imap.UID(second.UID)) {
		t.Errorf("Drafts UIDs %v: want %d replaced by %d", uids, first.UID, second.UID)
	}

	if err := c.MarkAnswered(ctx, "INBOX", original); err != nil {
		t.Fatal(err)
	}
	if marked, err := c.MarkForwarded(ctx, "INBOX", original); err != nil || !marked {
		t.Fatalf("MarkForwarded = %v, %v", marked, err)
	}
	if _, err := checker.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := checker.Fetch(imap.UIDSetNum(imap.UID(original)), &imap.FetchOptions{Flags: true}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch flags: %v, %v", msgs, err)
	}
	if !slices.Contains(msgs[0].Flags, imap.FlagAnswered) || !slices.Contains(msgs[0].Flags, imap.FlagForwarded) {
		t.Errorf("flags %v, want \\Answered and $Forwarded", msgs[0].Flags)
	}
}
