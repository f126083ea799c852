package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail/internal/mailtest"
	"github.com/webmail/webmail/mail/mime"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// dovecotUser starts (or reuses) the test Dovecot and returns its endpoint
// and a fresh user.
func dovecotUser(t *testing.T) (env *testenv.Mail, ep Endpoint, email, password string) {
	t.Helper()
	env = testenv.NewMail(t)
	ep, err := ParseIMAPURL("imap://" + env.IMAPAddr)
	if err != nil {
		t.Fatal(err)
	}
	email, password = env.AddUser(t)
	return env, ep, email, password
}

func dialDovecot(t *testing.T, ep Endpoint, email, password string) *Client {
	t.Helper()
	c, err := DialIMAP(context.Background(), ep, email, password, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("DialIMAP: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestDovecotMailboxes(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	admin := env.IMAPClient(t, email, password)
	for _, name := range []string{"Work", "Work/Projects", "Sent Items", "Ünïcödé & Co", "Spam"} {
		if err := admin.Create(name, nil).Wait(); err != nil {
			t.Fatalf("create %q: %v", name, err)
		}
	}
	env.AppendRaw(t, email, password, "INBOX", testMessage(1, false))
	env.AppendRaw(t, email, password, "INBOX", testMessage(2, true))
	env.AppendRaw(t, email, password, "Sent", testMessage(3, false))
	env.AppendRaw(t, email, password, "Ünïcödé & Co", testMessage(4, false))

	c := dialDovecot(t, ep, email, password)
	got, err := c.Mailboxes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		name, display, use string
		depth              int
		messages, unseen   uint32
	}
	want := []row{
		{"INBOX", "Inbox", "inbox", 0, 2, 2},
		{"Drafts", "Drafts", "drafts", 0, 0, 0},
		{"Sent", "Sent", "sent", 0, 1, 1},
		{"Archive", "Archive", "archive", 0, 0, 0},
		{"Junk", "Junk", "junk", 0, 0, 0},
		{"Trash", "Trash", "trash", 0, 0, 0},
		// Attributes claimed junk and sent: the look-alike names stay plain.
		{"Sent Items", "Sent Items", "", 0, 0, 0},
		{"Spam", "Spam", "", 0, 0, 0},
		{"Ünïcödé & Co", "Ünïcödé & Co", "", 0, 1, 1},
		{"Work", "Work", "", 0, 0, 0},
		{"Work/Projects", "Projects", "", 1, 0, 0},
	}
	if len(got) != len(want) {
		for _, mb := range got {
			t.Logf("%+v", mb)
		}
		t.Fatalf("got %d mailboxes, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if gotRow := (row{g.Name, g.DisplayName, g.SpecialUse, g.Depth, g.Messages, g.Unseen}); gotRow != w {
			t.Errorf("mailbox %d = %+v, want %+v", i, gotRow, w)
		}
	}

	// The decoded name round-trips through SELECT (modified UTF-7 again).
	p, err := listNewest(context.Background(), c, "Ünïcödé & Co", 1, 10)
	if err != nil || p.Total != 1 || len(p.Messages) != 1 || p.Messages[0].Subject != "Message 4" {
		t.Errorf("list in non-ASCII mailbox: %+v, %v", p, err)
	}
}

func TestDovecotMessages(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	var raws [][]byte
	for i := 1; i <= 5; i++ {
		raws = append(raws, testMessage(i, i == 2))
	}
	env.AppendMessages(t, email, password, "INBOX", raws)
	// One message the way real mail arrives: SMTP, Postfix, LMTP.
	delivered := []byte("From: Remote <remote@example.org>\r\nTo: " + email + "\r\nSubject: =?ISO-8859-1?Q?Gr=FC=DFe?= via SMTP\r\nDate: Mon, 01 Jan 2024 12:00:06 +0000\r\nMessage-ID: <smtp1@example.org>\r\n\r\nDelivered over SMTP.\r\n")
	env.Deliver(t, "remote@example.org", email, delivered)

	c := dialDovecot(t, ep, email, password)
	ctx := context.Background()
	for _, tc := range []struct {
		page int
		uids []uint32
	}{
		{1, []uint32{6, 5}}, {2, []uint32{4, 3}}, {3, []uint32{2, 1}}, {4, nil}, {0, nil},
	} {
		p, err := listNewest(ctx, c, "INBOX", tc.page, 2)
		if err != nil {
			t.Fatalf("page %d: %v", tc.page, err)
		}
		var uids []uint32
		for _, m := range p.Messages {
			uids = append(uids, m.UID)
		}
		if p.Total != 6 || p.Unseen != 6 || p.Pages != 3 || fmt.Sprint(uids) != fmt.Sprint(tc.uids) {
			t.Errorf("page %d: total %d unseen %d pages %d uids %v, want uids %v", tc.page, p.Total, p.Unseen, p.Pages, uids, tc.uids)
		}
	}
	p, err := listNewest(ctx, c, "INBOX", 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Messages[0]; s.Subject != "Grüße via SMTP" || len(s.From) != 1 || s.From[0].Email != "remote@example.org" {
		t.Errorf("delivered summary = %+v", s)
	}
	if !p.Messages[4].HasAttachments || p.Messages[3].HasAttachments {
		t.Errorf("HasAttachments: message 2 %v, message 3 %v", p.Messages[4].HasAttachments, p.Messages[3].HasAttachments)
	}

	got, err := c.FetchRaw(ctx, "INBOX", 2, 1<<20)
	if err != nil || !bytes.Equal(got, raws[1]) {
		t.Errorf("FetchRaw(2) = %q, %v", got, err)
	}
	got, err = c.FetchRaw(ctx, "INBOX", 6, 1<<20)
	if err != nil || !bytes.HasSuffix(got, delivered) {
		t.Errorf("FetchRaw(6) = %q, %v (want the delivered message after trace headers)", got, err)
	}
	if _, err := c.FetchRaw(ctx, "INBOX", 2, 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit: %v, want ErrTooLarge", err)
	}
	if _, err := c.FetchRaw(ctx, "INBOX", 77, 1<<20); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown UID: %v, want ErrNotFound", err)
	}
	if _, err := listNewest(ctx, c, "No such folder", 1, 10); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown mailbox: %v, want ErrNotFound", err)
	}

	if err := c.SetSeen(ctx, "INBOX", true, 1, 2, 3); err != nil {
		t.Fatal(err)
	}
	if p, _ := listNewest(ctx, c, "INBOX", 1, 10); p.Unseen != 3 || !p.Messages[5].Seen || p.Messages[0].Seen {
		t.Errorf("after SetSeen: unseen %d", p.Unseen)
	}
	if err := c.SetSeen(ctx, "INBOX", false, 1); err != nil {
		t.Fatal(err)
	}
	// A second connection sees the flags: they are on the server.
	c2 := dialDovecot(t, ep, email, password)
	mbs, err := c2.Mailboxes(ctx)
	if err != nil || mbs[0].Name != "INBOX" || mbs[0].Unseen != 4 || mbs[0].Messages != 6 {
		t.Errorf("INBOX from a second connection: %+v, %v", mbs, err)
	}
	if err := c.Noop(ctx); err != nil || c.Broken() {
		t.Errorf("Noop: %v (broken %v)", err, c.Broken())
	}
}

func TestDovecotLoginErrors(t *testing.T) {
	_, ep, email, password := dovecotUser(t)
	ctx := context.Background()
	if _, err := DialIMAP(ctx, ep, email, password+"x", DialOptions{}); !errors.Is(err, ErrAuthFailed) {
		t.Errorf("wrong password: %v, want ErrAuthFailed", err)
	}
	if _, err := DialIMAP(ctx, ep, "nobody@example.test", password, DialOptions{}); !errors.Is(err, ErrAuthFailed) {
		t.Errorf("unknown user: %v, want ErrAuthFailed", err)
	}
	c, err := DialIMAP(ctx, ep, email, password, DialOptions{})
	if err != nil {
		t.Fatalf("right password after wrong ones: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	// STARTTLS against a server without TLS fails as unavailable.
	starttls := ep
	starttls.Scheme, starttls.Security = "imap+starttls", SecurityStartTLS
	if _, err := DialIMAP(ctx, starttls, email, password, DialOptions{Timeout: 5 * time.Second}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("STARTTLS without server TLS: %v, want ErrUnavailable", err)
	}
}

// TestDovecotCorpus stores every corpus message in Dovecot and reads them
// all back through ListSorted and FetchRaw: go-imap must parse Dovecot's
// ENVELOPE and BODYSTRUCTURE of every torture message without losing the
// connection, and every fetched message must parse.
func TestDovecotCorpus(t *testing.T) {
	files := mailtest.CorpusFiles(t)
	env, ep, email, password := dovecotUser(t)
	var raws [][]byte
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, raw)
	}
	env.AppendMessages(t, email, password, "INBOX", raws)

	c := dialDovecot(t, ep, email, password)
	ctx := context.Background()
	seen := 0
	for page := 1; ; page++ {
		p, err := listNewest(ctx, c, "INBOX", page, 50)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		if p.Total != uint32(len(raws)) {
			t.Fatalf("total %d, want %d", p.Total, len(raws))
		}
		for _, s := range p.Messages {
			raw, err := c.FetchRaw(ctx, "INBOX", s.UID, 8<<20)
			if err != nil {
				t.Errorf("FetchRaw(%d): %v", s.UID, err)
				continue
			}
			if int64(len(raw)) != s.Size {
				t.Errorf("UID %d: fetched %d bytes, RFC822.SIZE %d", s.UID, len(raw), s.Size)
			}
			if _, err := mime.ParseMessage(raw); err != nil {
				t.Errorf("UID %d (%s): %v", s.UID, files[s.UID-1], err)
			}
			seen++
		}
		if page >= p.Pages {
			break
		}
	}
	if seen != len(raws) {
		t.Errorf("listed %d messages, want %d", seen, len(raws))
	}
	if c.Broken() {
		t.Error("connection broke while reading the corpus")
	}
}
