package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/webmail/webmail/mail/mime"
)

const (
	memUser     = "alice@example.test"
	memPassword = "correct horse"
)

// memServer is go-imap's in-memory IMAP server on a loopback port.
type memServer struct {
	endpoint Endpoint
	user     *imapmemserver.User
	traffic  *syncBuffer // everything the server read and wrote
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startMemServer starts an in-memory server advertising caps (nil means
// IMAP4rev1 only, so clients must fall back to STATUS per mailbox).
func startMemServer(t *testing.T, caps imap.CapSet) *memServer {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(memUser, memPassword)
	mem.AddUser(user)
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	traffic := &syncBuffer{}
	srv := imapserver.New(&imapserver.Options{
		DebugWriter: traffic,
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		Logger:       testLogger{t},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &memServer{
		endpoint: Endpoint{Scheme: "imap", Host: ln.Addr().String(), Security: SecurityPlain},
		user:     user,
		traffic:  traffic,
	}
}

type testLogger struct{ t *testing.T }

func (l testLogger) Printf(format string, args ...any) { l.t.Logf("imapserver: "+format, args...) }

func (s *memServer) create(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		if err := s.user.Create(name, nil); err != nil {
			t.Fatalf("create %q: %v", name, err)
		}
	}
}

func (s *memServer) append(t *testing.T, mailbox string, raw []byte, flags ...imap.Flag) {
	t.Helper()
	if _, err := s.user.Append(mailbox, bytes.NewReader(raw), &imap.AppendOptions{Flags: flags, Time: time.Now()}); err != nil {
		t.Fatalf("append to %q: %v", mailbox, err)
	}
}

func (s *memServer) dial(t *testing.T) *Client {
	t.Helper()
	c, err := DialIMAP(context.Background(), s.endpoint, memUser, memPassword, DialOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("DialIMAP: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testMessage builds a small message; attach adds a PDF attachment.
func testMessage(n int, attach bool) []byte {
	date := time.Date(2024, 1, 1, 12, 0, n, 0, time.UTC).Format(time.RFC1123Z)
	if !attach {
		return []byte(fmt.Sprintf("From: Sender %d <sender%d@example.test>\r\nTo: alice@example.test\r\nSubject: Message %d\r\nDate: %s\r\nMessage-ID: <m%d@example.test>\r\n\r\nBody of message %d.\r\n", n, n, n, date, n, n))
	}
	return []byte(fmt.Sprintf("From: Sender %d <sender%d@example.test>\r\nTo: alice@example.test\r\nSubject: Message %d\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=doc.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n", n, n, n, date))
}

func TestIMAPMailboxes(t *testing.T) {
	for _, tc := range []struct {
		name string
		caps imap.CapSet
	}{
		{"STATUS per mailbox", nil},
		{"LIST-STATUS", imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapListExtended: {}, imap.CapListStatus: {}, imap.CapESearch: {}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startMemServer(t, tc.caps)
			srv.create(t, "Trash", "Sent Items", "Sent", "Drafts", "Work", "Work/Projects", "Spam", "archive", "Zeta", "Lists/go/nuts", "Entwürfe & Ideen")
			srv.append(t, "INBOX", testMessage(1, false))
			srv.append(t, "INBOX", testMessage(2, false), imap.FlagSeen)
			srv.append(t, "INBOX", testMessage(3, false))
			srv.append(t, "Work/Projects", testMessage(4, false), imap.FlagSeen)
			c := srv.dial(t)

			got, err := c.Mailboxes(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			statusCommands := len(regexp.MustCompile(`(?m)^T\d+ STATUS `).FindAllString(srv.traffic.String(), -1))
			if tc.caps == nil && statusCommands < 10 {
				t.Errorf("expected one STATUS per mailbox, saw %d", statusCommands)
			}
			if tc.caps != nil && (statusCommands != 0 || !regexp.MustCompile(`RETURN \([^)]*STATUS \(`).MatchString(srv.traffic.String())) {
				t.Errorf("expected LIST-STATUS and no STATUS command, saw %d STATUS", statusCommands)
			}
			type row struct {
				name, display, use string
				depth              int
				messages, unseen   uint32
				noSelect           bool
			}
			want := []row{
				{"INBOX", "Inbox", "inbox", 0, 3, 2, false},
				{"Drafts", "Drafts", "drafts", 0, 0, 0, false},
				{"Sent", "Sent", "sent", 0, 0, 0, false},
				{"archive", "archive", "archive", 0, 0, 0, false},
				{"Spam", "Spam", "junk", 0, 0, 0, false},
				{"Trash", "Trash", "trash", 0, 0, 0, false},
				{"Entwürfe & Ideen", "Entwürfe & Ideen", "", 0, 0, 0, false},
				{"Lists", "Lists", "", 0, 0, 0, true},
				{"Lists/go", "go", "", 1, 0, 0, true},
				{"Lists/go/nuts", "nuts", "", 2, 0, 0, false},
				{"Sent Items", "Sent Items", "", 0, 0, 0, false},
				{"Work", "Work", "", 0, 0, 0, false},
				{"Work/Projects", "Projects", "", 1, 1, 0, false},
				{"Zeta", "Zeta", "", 0, 0, 0, false},
			}
			if len(got) != len(want) {
				for _, mb := range got {
					t.Logf("%+v", mb)
				}
				t.Fatalf("got %d mailboxes, want %d", len(got), len(want))
			}
			for i, w := range want {
				g := got[i]
				gotRow := row{g.Name, g.DisplayName, g.SpecialUse, g.Depth, g.Messages, g.Unseen, g.NoSelect}
				if gotRow != w {
					t.Errorf("mailbox %d = %+v, want %+v", i, gotRow, w)
				}
				if g.Delimiter != '/' {
					t.Errorf("mailbox %q delimiter %q, want '/'", g.Name, g.Delimiter)
				}
			}
		})
	}
}

// listNewest lists one page of mailbox newest first in arrival order: the
// list the tests read a mailbox's state from.
func listNewest(ctx context.Context, c *Client, mailbox string, page, pageSize int) (SortedPage, error) {
	return c.ListSorted(ctx, mailbox, ListQuery{Sort: SortArrival, Descending: true, Page: page, PageSize: pageSize})
}

// TestIMAPListNewest checks the pages and summaries of a list in arrival
// order, newest first.
func TestIMAPListNewest(t *testing.T) {
	srv := startMemServer(t, nil)
	srv.create(t, "Archive", "Empty")
	for i := 1; i <= 7; i++ {
		var flags []imap.Flag
		if i%2 == 0 {
			flags = append(flags, imap.FlagSeen)
		}
		if i == 7 {
			flags = append(flags, imap.FlagFlagged, imap.FlagAnswered)
		}
		srv.append(t, "INBOX", testMessage(i, i == 5), flags...)
	}
	c := srv.dial(t)
	ctx := context.Background()

	tests := []struct {
		page     int
		wantUIDs []uint32
	}{
		{1, []uint32{7, 6, 5}},
		{2, []uint32{4, 3, 2}},
		{3, []uint32{1}},
		{4, nil},
		{0, nil},
		{-1, nil},
	}
	for _, tc := range tests {
		p, err := listNewest(ctx, c, "inbox", tc.page, 3)
		if err != nil {
			t.Fatalf("page %d: %v", tc.page, err)
		}
		if p.Total != 7 || p.Unseen != 4 || p.Pages != 3 || p.PageSize != 3 || p.Page != tc.page || p.Mailbox != "INBOX" {
			t.Errorf("page %d: totals %+v", tc.page, p)
		}
		var uids []uint32
		for _, m := range p.Messages {
			uids = append(uids, m.UID)
		}
		if fmt.Sprint(uids) != fmt.Sprint(tc.wantUIDs) {
			t.Errorf("page %d: UIDs %v, want %v", tc.page, uids, tc.wantUIDs)
		}
	}

	p, err := listNewest(ctx, c, "INBOX", 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	newest := p.Messages[0]
	if newest.Subject != "Message 7" || len(newest.From) != 1 || newest.From[0] != (mime.Address{Name: "Sender 7", Email: "sender7@example.test"}) ||
		len(newest.To) != 1 || newest.To[0].Email != "alice@example.test" {
		t.Errorf("newest summary = %+v", newest)
	}
	if !newest.Flagged || !newest.Answered || newest.Seen || newest.Draft {
		t.Errorf("flags of message 7 = %+v", newest)
	}
	if want := time.Date(2024, 1, 1, 12, 0, 7, 0, time.UTC); !newest.Date.Equal(want) {
		t.Errorf("date %v, want %v", newest.Date, want)
	}
	if newest.Size != int64(len(testMessage(7, false))) {
		t.Errorf("size %d, want %d", newest.Size, len(testMessage(7, false)))
	}
	if !p.Messages[1].Seen || p.Messages[2].Seen {
		t.Errorf("seen flags wrong: %+v", p.Messages)
	}
	if p.Messages[0].HasAttachments || p.Messages[1].HasAttachments || !p.Messages[2].HasAttachments {
		t.Errorf("HasAttachments wrong: %v %v %v", p.Messages[0].HasAttachments, p.Messages[1].HasAttachments, p.Messages[2].HasAttachments)
	}

	// Default page size, another mailbox, an empty one.
	p, err = listNewest(ctx, c, "INBOX", 1, 0)
	if err != nil || p.PageSize != DefaultPageSize || len(p.Messages) != 7 || p.Pages != 1 {
		t.Errorf("default page size: %+v, %v", p, err)
	}
	p, err = listNewest(ctx, c, "Empty", 1, 10)
	if err != nil || p.Total != 0 || p.Pages != 1 || len(p.Messages) != 0 || p.Messages == nil {
		t.Errorf("empty mailbox: %+v, %v", p, err)
	}

	// New mail arriving while the mailbox stays selected is seen.
	if _, err := listNewest(ctx, c, "INBOX", 1, 3); err != nil {
		t.Fatal(err)
	}
	srv.append(t, "INBOX", testMessage(8, false))
	p, err = listNewest(ctx, c, "INBOX", 1, 3)
	if err != nil || p.Total != 8 || p.Messages[0].UID != 8 {
		t.Errorf("after new mail: total %d, first %+v, %v", p.Total, p.Messages, err)
	}

	_, err = listNewest(ctx, c, "Nope", 1, 10)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown mailbox: %v, want ErrNotFound", err)
	}
	// The failed SELECT must not leave the client thinking INBOX is selected.
	if p, err := listNewest(ctx, c, "INBOX", 1, 3); err != nil || p.Total != 8 {
		t.Errorf("after failed select: %+v, %v", p, err)
	}
}

func TestIMAPFetchRawAndSetSeen(t *testing.T) {
	srv := startMemServer(t, nil)
	srv.create(t, "Other")
	raw := testMessage(1, true)
	srv.append(t, "INBOX", raw)
	srv.append(t, "INBOX", testMessage(2, false))
	srv.append(t, "Other", testMessage(3, false))
	c := srv.dial(t)
	ctx := context.Background()

	got, err := c.FetchRaw(ctx, "INBOX", 1, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, raw) {
		t.Errorf("FetchRaw returned %q, want %q", got, raw)
	}
	msg, err := mime.ParseMessage(got)
	if err != nil || msg.Subject != "Message 1" || len(msg.Parts) != 1 || msg.Parts[0].Filename != "doc.pdf" {
		t.Errorf("parsed fetched message: %+v, %v", msg, err)
	}
	if _, err := c.FetchRaw(ctx, "INBOX", 1, 10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("small limit: %v, want ErrTooLarge", err)
	}
	if _, err := c.FetchRaw(ctx, "INBOX", 99, 1<<20); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown UID: %v, want ErrNotFound", err)
	}
	if _, err := c.FetchRaw(ctx, "Nope", 1, 1<<20); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown mailbox: %v, want ErrNotFound", err)
	}
	if c.Broken() {
		t.Fatal("client broken after expected errors")
	}

	// BODY.PEEK[] must not have set \Seen.
	p, err := listNewest(ctx, c, "INBOX", 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if p.Unseen != 2 {
		t.Errorf("unseen after FetchRaw = %d, want 2", p.Unseen)
	}

	if err := c.SetSeen(ctx, "INBOX", true, 1, 2); err != nil {
		t.Fatal(err)
	}
	p, _ = listNewest(ctx, c, "INBOX", 1, 10)
	if p.Unseen != 0 || !p.Messages[0].Seen || !p.Messages[1].Seen {
		t.Errorf("after SetSeen(true): %+v", p)
	}
	if err := c.SetSeen(ctx, "INBOX", false, 2); err != nil {
		t.Fatal(err)
	}
	p, _ = listNewest(ctx, c, "INBOX", 1, 10)
	if p.Unseen != 1 || p.Messages[0].UID != 2 || p.Messages[0].Seen || !p.Messages[1].Seen {
		t.Errorf("after SetSeen(false, 2): %+v", p)
	}
	// Another mailbox: SetSeen selects it.
	if err := c.SetSeen(ctx, "Other", true, 1); err != nil {
		t.Fatal(err)
	}
	mbs, _ := c.Mailboxes(ctx)
	for _, mb := range mbs {
		if mb.Name == "Other" && mb.Unseen != 0 {
			t.Errorf("Other unseen = %d after SetSeen", mb.Unseen)
		}
	}
	if err := c.SetSeen(ctx, "INBOX", true); err != nil {
		t.Errorf("SetSeen without UIDs: %v", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Errorf("Noop: %v", err)
	}
	if len(c.Caps()) == 0 {
		t.Error("no capabilities")
	}
}

func TestIMAPErrors(t *testing.T) {
	srv := startMemServer(t, nil)
	ctx := context.Background()

	_, err := DialIMAP(ctx, srv.endpoint, memUser, "wrong", DialOptions{})
	if !errors.Is(err, ErrAuthFailed) {
		t.Errorf("wrong password: %v, want ErrAuthFailed", err)
	}
	_, err = DialIMAP(ctx, srv.endpoint, "nobody@example.test", memPassword, DialOptions{})
	if !errors.Is(err, ErrAuthFailed) {
		t.Errorf("unknown user: %v, want ErrAuthFailed", err)
	}

	// Nothing listens on a closed port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := ln.Addr().String()
	ln.Close()
	_, err = DialIMAP(ctx, Endpoint{Scheme: "imap", Host: deadAddr}, memUser, memPassword, DialOptions{Timeout: 2 * time.Second})
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("dead server: %v, want ErrUnavailable", err)
	}

	// A server that accepts but never greets runs into the timeout.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			conn, err := silent.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	start := time.Now()
	_, err = DialIMAP(ctx, Endpoint{Scheme: "imap", Host: silent.Addr().String()}, memUser, memPassword, DialOptions{Timeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("silent server: %v, want ErrUnavailable and DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("silent server took %v", elapsed)
	}
	// TLS against a plain-text server fails the handshake.
	_, err = DialIMAP(ctx, Endpoint{Scheme: "imaps", Host: srv.endpoint.Host, Security: SecurityTLS}, memUser, memPassword, DialOptions{Timeout: 2 * time.Second})
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("TLS to plain server: %v, want ErrUnavailable", err)
	}

	// A connection that dies under an open Client.
	c := srv.dial(t)
	if _, err := listNewest(ctx, c, "INBOX", 1, 10); err != nil {
		t.Fatal(err)
	}
	c.conn.Close()
	if _, err := listNewest(ctx, c, "INBOX", 1, 10); !errors.Is(err, ErrUnavailable) {
		t.Errorf("after connection loss: %v, want ErrUnavailable", err)
	}
	if !c.Broken() {
		t.Error("client not broken after connection loss")
	}
	if err := c.Noop(ctx); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Noop on broken client: %v", err)
	}

	// A cancelled context aborts and breaks the client.
	c2 := srv.dial(t)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c2.Mailboxes(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	if c2.Broken() {
		t.Error("a context cancelled before any I/O must not break the client")
	}
	if _, err := c2.Mailboxes(ctx); err != nil {
		t.Errorf("after cancelled call: %v", err)
	}
}
