package mail

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// listSubjects lists mailbox through pool (newest first by date, with
// filter) and returns the subjects shown and the unseen count.
func listSubjects(t *testing.T, pool *Pool, ep Endpoint, email, password, mailbox string, filter Filter) ([]string, uint32) {
	t.Helper()
	ctx := context.Background()
	conn, err := pool.Get(ctx, ep, email, password, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	page, err := conn.ListSorted(ctx, mailbox, ListQuery{Sort: SortDate, Descending: true, Filter: filter, Page: 1, PageSize: 50})
	if err != nil {
		t.Fatalf("list %s: %v", mailbox, err)
	}
	var subjects []string
	for _, m := range page.Messages {
		subjects = append(subjects, m.Subject)
	}
	return subjects, page.Unseen
}

// listThreadSizes lists mailbox's conversations through pool and returns
// their sizes, newest first.
func listThreadSizes(t *testing.T, pool *Pool, ep Endpoint, email, password, mailbox string) []int {
	t.Helper()
	ctx := context.Background()
	conn, err := pool.Get(ctx, ep, email, password, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	page, err := conn.ListThreads(ctx, mailbox, ListQuery{Descending: true, Page: 1, PageSize: 50})
	if err != nil {
		t.Fatalf("threads %s: %v", mailbox, err)
	}
	var sizes []int
	for _, c := range page.Conversations {
		sizes = append(sizes, c.Size)
	}
	return sizes
}

func wantSubjects(t *testing.T, step string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: list shows %q, want %q", step, got, want)
	}
}

// TestListCacheNeverStale checks that the cache of sorted and threaded
// lists serves repeated lists without asking the server again, and that
// no change is ever hidden by it: changes made through another instance
// (another pool) and through another IMAP client (new, flagged, expunged
// messages, a mailbox deleted and made again) all show on the next list.
func TestListCacheNeverStale(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	for n := 1; n <= 3; n++ {
		env.AppendRaw(t, email, password, "INBOX", testMessage(n, false))
	}
	instance := NewPool(PoolOptions{MaxPerUser: 2})
	defer instance.Close()
	other := NewPool(PoolOptions{MaxPerUser: 2})
	defer other.Close()
	client := env.IMAPClient(t, email, password)

	got, unseen := listSubjects(t, instance, ep, email, password, "INBOX", FilterAll)
	wantSubjects(t, "first list", got, "Message 3", "Message 2", "Message 1")
	before := instance.Stats()
	got, _ = listSubjects(t, instance, ep, email, password, "INBOX", FilterAll)
	wantSubjects(t, "second list", got, "Message 3", "Message 2", "Message 1")
	if s := instance.Stats(); s.ListHits != before.ListHits+1 {
		t.Fatalf("an unchanged mailbox was sorted again: hits %d -> %d", before.ListHits, s.ListHits)
	}
	if unseen != 3 {
		t.Fatalf("unseen %d, want 3", unseen)
	}

	// Another instance marks a message read: the unread filter and the
	// count follow, though the same list was cached before.
	got, _ = listSubjects(t, instance, ep, email, password, "INBOX", FilterUnread)
	wantSubjects(t, "unread", got, "Message 3", "Message 2", "Message 1")
	conn, err := other.Get(context.Background(), ep, email, password, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	page, err := conn.ListSorted(context.Background(), "INBOX", ListQuery{Sort: SortDate, Descending: true, Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.SetSeen(context.Background(), "INBOX", true, page.Messages[1].UID); err != nil {
		t.Fatal(err)
	}
	conn.Release()
	got, unseen = listSubjects(t, instance, ep, email, password, "INBOX", FilterUnread)
	wantSubjects(t, "unread after another instance read one", got, "Message 3", "Message 1")
	if unseen != 2 {
		t.Fatalf("unseen %d after a read, want 2", unseen)
	}

	// Another IMAP client delivers a message and expunges one.
	env.AppendRaw(t, email, password, "INBOX", testMessage(4, false))
	got, _ = listSubjects(t, instance, ep, email, password, "INBOX", FilterAll)
	wantSubjects(t, "after a delivery", got, "Message 4", "Message 3", "Message 2", "Message 1")
	if _, err := client.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	var first imap.UIDSet
	first.AddNum(imap.UID(page.Messages[2].UID)) // Message 1
	if err := client.Store(first, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := client.UIDExpunge(first).Close(); err != nil {
		t.Fatal(err)
	}
	got, _ = listSubjects(t, instance, ep, email, password, "INBOX", FilterAll)
	wantSubjects(t, "after an expunge", got, "Message 4", "Message 3", "Message 2")

	// A flag change that changes neither the count nor the UIDs.
	var second imap.UIDSet
	second.AddNum(imap.UID(page.Messages[0].UID)) // Message 3
	if err := client.Store(second, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged}, Silent: true}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	got, _ = listSubjects(t, instance, ep, email, password, "INBOX", FilterFlagged)
	wantSubjects(t, "flagged by another client", got, "Message 3")

	// A mailbox deleted and made again with other messages: same UIDNEXT,
	// EXISTS and maybe HIGHESTMODSEQ, only UIDVALIDITY tells. (This
	// instance's connection has INBOX selected meanwhile: a connection
	// that kept the old mailbox selected goes on seeing it, with or
	// without the cache; see UIDValidity.)
	if err := client.Create("Work", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	env.AppendRaw(t, email, password, "Work", testMessage(10, false))
	got, _ = listSubjects(t, instance, ep, email, password, "Work", FilterAll)
	wantSubjects(t, "Work", got, "Message 10")
	listSubjects(t, instance, ep, email, password, "INBOX", FilterAll)
	if _, err := client.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := client.Delete("Work").Wait(); err != nil {
		t.Fatal(err)
	}
	if err := client.Create("Work", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	env.AppendRaw(t, email, password, "Work", testMessage(11, false))
	got, _ = listSubjects(t, instance, ep, email, password, "Work", FilterAll)
	wantSubjects(t, "Work made again", got, "Message 11")

	// Conversations: a reply from elsewhere joins its thread.
	sizes := listThreadSizes(t, instance, ep, email, password, "INBOX")
	if !slices.Equal(sizes, []int{1, 1, 1}) {
		t.Fatalf("threads %v, want three single messages", sizes)
	}
	listThreadSizes(t, instance, ep, email, password, "INBOX")
	reply := fmt.Sprintf("From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: Re: Message 2\r\nDate: %s\r\nMessage-ID: <r2@example.test>\r\nIn-Reply-To: <m2@example.test>\r\nReferences: <m2@example.test>\r\n\r\nAgreed.\r\n",
		time.Date(2024, 2, 1, 12, 0, 0, 0, time.UTC).Format(time.RFC1123Z))
	env.AppendRaw(t, email, password, "INBOX", []byte(reply))
	sizes = listThreadSizes(t, instance, ep, email, password, "INBOX")
	if !slices.Equal(sizes, []int{2, 1, 1}) {
		t.Fatalf("threads %v after a reply, want the reply's thread first with 2", sizes)
	}
}
