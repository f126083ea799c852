package mail

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// threadFixture is a mailbox with conversations, in arrival order:
//
//	1 A "Plan"            root
//	2 B "Re: Plan"        reply to A (References)
//	3 E "Lunch"           alone
//	4 C "Re: Plan"        reply to B (References A B)
//	5 F "Re: Trip"        reply to a message not in the mailbox
//	6 D "Re: Plan"        reply to A (In-Reply-To only)
//	7 G "Re: Trip"        reply to the same missing message
func threadFixture() [][]byte {
	msg := func(n int, id, subject, extra string) []byte {
		date := time.Date(2024, 5, 1, 9, n, 0, 0, time.UTC).Format(time.RFC1123Z)
		return []byte(fmt.Sprintf("From: Person %d <p%d@example.test>\r\nTo: alice@example.test\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@example.test>\r\n%s\r\nMessage %d.\r\n", n, n, subject, date, id, extra, n))
	}
	return [][]byte{
		msg(1, "a", "Plan", ""),
		msg(2, "b", "Re: Plan", "In-Reply-To: <a@example.test>\r\nReferences: <a@example.test>\r\n"),
		msg(3, "e", "Lunch", ""),
		msg(4, "c", "Re: Plan", "In-Reply-To: <b@example.test>\r\nReferences: <a@example.test>\r\n <b@example.test>\r\n"),
		msg(5, "f", "Re: Trip", "References: <missing@example.test>\r\n"),
		msg(6, "d", "Re: Plan", "In-Reply-To: <a@example.test>\r\n"),
		msg(7, "g", "Re: Trip", "In-Reply-To: <missing@example.test>\r\nReferences: <missing@example.test>\r\n"),
	}
}

// conversationShape writes conversations as "uid:depth" lists.
func conversationShape(convs []Conversation) string {
	var parts []string
	for _, c := range convs {
		var rows []string
		for _, m := range c.Messages {
			rows = append(rows, fmt.Sprintf("%d:%d", m.UID, m.Depth))
		}
		parts = append(parts, fmt.Sprintf("[%s]/%d", strings.Join(rows, " "), c.Size))
	}
	return strings.Join(parts, " ")
}

func checkThreads(t *testing.T, c *Client, serverThreads bool) {
	t.Helper()
	ctx := context.Background()
	p, err := c.ListThreads(ctx, "INBOX", ListQuery{Descending: true, Page: 1, PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	// Latest activity first: Trip (7), Plan (6), Lunch (3). Replies under
	// their parents, siblings oldest first; the missing Trip root leaves
	// its two replies side by side.
	want := "[5:0 7:0]/2 [1:0 2:1 4:2 6:1]/4 [3:0]/1"
	if got := conversationShape(p.Conversations); got != want {
		t.Errorf("threads %s, want %s", got, want)
	}
	if p.ServerThreaded != serverThreads || p.Approximate || p.Threads != 3 || p.Total != 7 || p.Unseen != 7 || p.Pages != 1 {
		t.Errorf("thread page %+v", p)
	}
	if s := p.Conversations[1].Messages[0]; s.Subject != "Plan" || s.From[0].Name != "Person 1" {
		t.Errorf("root summary %+v", s.Summary)
	}
	if p.Conversations[1].Unseen != 4 {
		t.Errorf("unseen in Plan: %d", p.Conversations[1].Unseen)
	}

	// Oldest activity first, two conversations a page.
	p, err = c.ListThreads(ctx, "INBOX", ListQuery{Page: 1, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := conversationShape(p.Conversations); got != "[3:0]/1 [1:0 2:1 4:2 6:1]/4" || p.Pages != 2 || p.Threads != 3 {
		t.Errorf("ascending page 1: %s (pages %d)", got, p.Pages)
	}
	p, err = c.ListThreads(ctx, "INBOX", ListQuery{Page: 2, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := conversationShape(p.Conversations); got != "[5:0 7:0]/2" {
		t.Errorf("ascending page 2: %s", got)
	}

	// A filter threads only the messages that match.
	if err := c.SetFlags(ctx, "INBOX", []string{FlagSeen}, true, 1, 4, 5, 7); err != nil {
		t.Fatal(err)
	}
	p, err = c.ListThreads(ctx, "INBOX", ListQuery{Descending: true, Filter: FilterUnread, Page: 1, PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := conversationShape(p.Conversations); got != "[2:0 6:0]/2 [3:0]/1" || p.Unseen != 3 {
		t.Errorf("unread threads: %s (unseen %d)", got, p.Unseen)
	}
	p, err = c.ListThreads(ctx, "INBOX", ListQuery{Descending: true, Search: SearchQuery{Text: "trip"}, Page: 1, PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := conversationShape(p.Conversations); got != "[5:0 7:0]/2" {
		t.Errorf("threads matching trip: %s", got)
	}
	if err := c.SetFlags(ctx, "INBOX", []string{FlagSeen}, false, 1, 4, 5, 7); err != nil {
		t.Fatal(err)
	}

	// Empty and missing mailboxes.
	p, err = c.ListThreads(ctx, "Empty", ListQuery{Page: 1})
	if err != nil || len(p.Conversations) != 0 || p.Pages != 1 || p.Threads != 0 {
		t.Errorf("empty mailbox: %+v, %v", p, err)
	}
	if _, err := c.ListThreads(ctx, "Nope", ListQuery{Page: 1}); err == nil {
		t.Error("threads of a missing mailbox")
	}
}

// TestThreadFallback threads on go-imap's in-memory server, which has no
// THREAD: the client fetches the threading headers and links them.
func TestThreadFallback(t *testing.T) {
	srv := startMemServer(t, nil)
	srv.create(t, "Empty")
	for _, raw := range threadFixture() {
		srv.append(t, "INBOX", raw)
	}
	c := srv.dial(t)
	checkThreads(t, c, false)
	traffic := srv.traffic.String()
	if regexp.MustCompile(`(?m)^T\d+ (UID )?THREAD `).MatchString(traffic) {
		t.Error("sent THREAD to a server without it")
	}
	if !regexp.MustCompile(`BODY\.PEEK\[HEADER\.FIELDS \("?Message-ID"? "?In-Reply-To"? "?References"? "?Date"?\)\]`).MatchString(traffic) {
		t.Error("the fallback did not fetch only the threading headers")
	}
}

// TestDovecotThreads threads the same messages with THREAD=REFERENCES.
func TestDovecotThreads(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	env.AppendMessages(t, email, password, "INBOX", threadFixture())
	c := dialDovecot(t, ep, email, password)
	if !c.hasThreadReferences() {
		t.Fatal("Dovecot does not advertise THREAD=REFERENCES")
	}
	if err := c.CreateMailbox(context.Background(), "Empty"); err != nil {
		t.Fatal(err)
	}
	checkThreads(t, c, true)
}

// TestBuildThreads covers the fallback's linking rules on their own.
func TestBuildThreads(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	shape := func(forest []*threadNode) string {
		var parts []string
		for _, root := range forest {
			var rows []string
			walkThread(root, 0, func(uid uint32, depth int) { rows = append(rows, fmt.Sprintf("%d:%d", uid, depth)) })
			parts = append(parts, strings.Join(rows, " "))
		}
		return strings.Join(parts, " | ")
	}
	for _, tc := range []struct {
		name    string
		headers []threadHeader
		want    string
	}{
		{"no headers", []threadHeader{{uid: 1}, {uid: 2}}, "1:0 | 2:0"},
		{"duplicate Message-ID", []threadHeader{{uid: 1, messageID: "x"}, {uid: 2, messageID: "x"}}, "1:0 | 2:0"},
		{"reply arrives before its parent", []threadHeader{
			{uid: 1, messageID: "b", parents: []string{"a"}, date: day(2)},
			{uid: 2, messageID: "a", date: day(1)},
		}, "2:0 1:1"},
		{"siblings by date, not arrival", []threadHeader{
			{uid: 1, messageID: "a", date: day(1)},
			{uid: 2, messageID: "c", parents: []string{"a"}, date: day(3)},
			{uid: 3, messageID: "b", parents: []string{"a"}, date: day(2)},
		}, "1:0 3:1 2:1"},
		{"missing middle message", []threadHeader{
			{uid: 1, messageID: "a"},
			{uid: 2, messageID: "c", parents: []string{"a", "b"}},
		}, "1:0 2:1"},
		{"reference loop", []threadHeader{
			{uid: 1, messageID: "a", parents: []string{"b"}},
			{uid: 2, messageID: "b", parents: []string{"a"}},
		}, "2:0 1:1"},
		{"self reference", []threadHeader{{uid: 1, messageID: "a", parents: []string{"a"}}}, "1:0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := shape(buildThreads(tc.headers)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
