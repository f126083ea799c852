package app

import (
	"context"
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/store"
)

// TestSendMarksOriginalAndDeletesDraft: after a reply is sent the
// original is \Answered, after a forward $Forwarded, and the compose's
// copy in Drafts is gone.
func TestSendMarksOriginalAndDeletesDraft(t *testing.T) {
	s := newSendApp(t, nil, "")
	ctx := context.Background()
	sess, u, email, password := s.user(t, 0)
	rcpt, _ := s.env.AddUser(t)
	original := []byte("From: Someone <someone@example.test>\r\nTo: " + email + "\r\nSubject: Question\r\nMessage-ID: <q1@example.test>\r\n\r\nWell?\r\n")
	uids := s.env.AppendMessages(t, email, password, "INBOX", [][]byte{original, original})
	draftUID := s.env.AppendRaw(t, email, password, "Drafts", []byte("From: "+email+"\r\nSubject: Re: Question\r\n\r\ndraft\r\n"))

	reply := s.compose(t, u, store.Compose{To: rcpt, Subject: "Re: Question", BodyText: "Yes.", Kind: store.ComposeReply,
		OrigMailbox: "INBOX", OrigUID: uint32(uids[0]), InReplyTo: "q1@example.test"})
	if _, _, err := s.DB.SetComposeDraft(ctx, reply.ID, u.ID, "Drafts", uint32(draftUID)); err != nil {
		t.Fatal(err)
	}
	forward := s.compose(t, u, store.Compose{To: rcpt, Subject: "Fwd: Question", BodyText: "See below.", Kind: store.ComposeForward,
		OrigMailbox: "INBOX", OrigUID: uint32(uids[1])})
	for _, c := range []store.Compose{reply, forward} {
		if res, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID}); err != nil || res.State != SendSent {
			t.Fatalf("send %s: %+v, %v", c.Kind, res, err)
		}
	}
	_, flags := mailboxMessages(t, s.env.IMAPClient(t, email, password), "INBOX")
	if len(flags) != 2 || !slices.Contains(flags[0], imap.FlagAnswered) || !slices.Contains(flags[1], imap.Flag(mail.FlagForwarded)) {
		t.Fatalf("flags of the originals = %v, want \\Answered on the first, $Forwarded on the second", flags)
	}
	if n := s.countMessages(t, email, password, "Drafts"); n != 0 {
		t.Fatalf("Drafts holds %d messages after sending, want 0", n)
	}
}

// TestSendSkipSentCopy: with WEBMAIL_SENT_COPY=skip (a server that files
// sent mail itself) nothing is appended to Sent.
func TestSendSkipSentCopy(t *testing.T) {
	s := newSendApp(t, nil, "")
	s.SkipSentCopy = true
	ctx := context.Background()
	sess, u, email, password := s.user(t, 0)
	rcpt, rcptPassword := s.env.AddUser(t)
	c := s.compose(t, u, store.Compose{To: rcpt, Subject: "no copy", BodyText: "x"})
	if res, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID}); err != nil || res.State != SendSent {
		t.Fatalf("send: %+v, %v", res, err)
	}
	s.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	if n := s.countMessages(t, email, password, "Sent"); n != 0 {
		t.Fatalf("Sent holds %d messages, want none", n)
	}
}
