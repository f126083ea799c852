package mail

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/webmail/webmail/internal/testenv"
)

// marks is a list's lines as "subject:flags" ("Message 2:RF" is read and
// flagged), newest first.
func marks(page SortedPage) string {
	var out []string
	for _, m := range page.Messages {
		f := ""
		if m.Seen {
			f += "R"
		}
		if m.Flagged {
			f += "F"
		}
		if m.Answered {
			f += "A"
		}
		if m.HasAttachments {
			f += "@"
		}
		out = append(out, m.Subject+":"+f)
	}
	return strings.Join(out, " ")
}

// wantMarks lists the INBOX through pool, newest first, and fails the
// test at step unless its lines' marks are want.
func wantMarks(t *testing.T, pool *Pool, ep Endpoint, user, password, step, want string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pool.Get(ctx, ep, user, password, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	page, err := conn.ListSorted(ctx, "INBOX", ListQuery{Sort: SortDate, Descending: true, Page: 1, PageSize: 50})
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	if got := marks(page); got != want {
		t.Fatalf("%s: the list shows %q, want %q", step, got, want)
	}
}

// TestLineCacheAsksOnlyForWhatChanged lists a mailbox again and again
// through a proxy recording the commands, while another instance and
// another IMAP client change it: an unchanged mailbox's page sends no
// FETCH at all, a flag change elsewhere costs one FETCH of the flags
// changed since (never the header fields again), a new message is fetched
// whole alone, and every line always shows the flags the server has.
func TestLineCacheAsksOnlyForWhatChanged(t *testing.T) {
	env, _, email, password := dovecotUser(t)
	uids := map[int]imap.UID{}
	for n := 1; n <= 3; n++ {
		uids[n] = env.AppendRaw(t, email, password, "INBOX", testMessage(n, n == 2))
	}
	proxy := testenv.NewTCPRecorder(t, env.IMAPAddr)
	ep, err := ParseIMAPURL("imap://" + proxy.Addr)
	if err != nil {
		t.Fatal(err)
	}
	instance := NewPool(PoolOptions{MaxPerUser: 1})
	defer instance.Close()
	other := NewPool(PoolOptions{MaxPerUser: 1})
	defer other.Close()
	client := env.IMAPClient(t, email, password)
	if _, err := client.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	list := func(step string, want string) string {
		t.Helper()
		proxy.Sent()
		wantMarks(t, instance, ep, email, password, step, want)
		return proxy.Sent()
	}
	store := func(n int, op imap.StoreFlagsOp, flag imap.Flag) {
		t.Helper()
		err := client.Store(imap.UIDSetNum(uids[n]), &imap.StoreFlags{Op: op, Flags: []imap.Flag{flag}, Silent: true}, nil).Close()
		if err != nil {
			t.Fatal(err)
		}
	}

	sent := list("first list", "Message 3: Message 2:@ Message 1:")
	if !strings.Contains(sent, "BODY.PEEK[HEADER.FIELDS") {
		t.Fatalf("the first list did not fetch the lines:\n%s", sent)
	}
	if sent := list("unchanged", "Message 3: Message 2:@ Message 1:"); strings.Contains(sent, "FETCH") {
		t.Fatalf("a list of an unchanged mailbox fetched:\n%s", sent)
	}

	// Another IMAP client flags one message and reads another.
	store(2, imap.StoreFlagsAdd, imap.FlagFlagged)
	store(1, imap.StoreFlagsAdd, imap.FlagSeen)
	sent = list("after changes by another client", "Message 3: Message 2:F@ Message 1:R")
	if !strings.Contains(sent, "CHANGEDSINCE") || strings.Contains(sent, "HEADER.FIELDS") || strings.Contains(sent, "BODYSTRUCTURE") {
		t.Fatalf("a flag change should cost one FETCH of the flags changed since:\n%s", sent)
	}
	if strings.Contains(sent, "SORT") {
		t.Fatalf("a flag change made the list sort the mailbox again (the order by date does not depend on flags):\n%s", sent)
	}
	if sent := list("unchanged again", "Message 3: Message 2:F@ Message 1:R"); strings.Contains(sent, "FETCH") {
		t.Fatalf("a list of an unchanged mailbox fetched:\n%s", sent)
	}

	// Another instance marks one read and unflags another; then a flag
	// is taken away by the other client: removals show too.
	conn, err := other.Get(ctx, ep, email, password, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.SetSeen(ctx, "INBOX", true, uint32(uids[3])); err != nil {
		t.Fatal(err)
	}
	conn.Release()
	list("after a read by another instance", "Message 3:R Message 2:F@ Message 1:R")
	store(2, imap.StoreFlagsDel, imap.FlagFlagged)
	store(3, imap.StoreFlagsDel, imap.FlagSeen)
	list("after flags taken away", "Message 3: Message 2:@ Message 1:R")

	// A delivery: only the new message is fetched whole.
	uids[4] = env.AppendRaw(t, email, password, "INBOX", testMessage(4, false))
	sent = list("after a delivery", "Message 4: Message 3: Message 2:@ Message 1:R")
	if !strings.Contains(sent, "SORT") {
		t.Fatalf("a delivery did not sort the mailbox again:\n%s", sent)
	}
	if n := strings.Count(sent, "HEADER.FIELDS"); n != 1 || !strings.Contains(sent, fmt.Sprintf("UID FETCH %d ", uids[4])) {
		t.Fatalf("a delivery should fetch the new message's line alone:\n%s", sent)
	}

	// An expunge by another client.
	store(3, imap.StoreFlagsAdd, imap.FlagDeleted)
	if err := client.UIDExpunge(imap.UIDSetNum(uids[3])).Close(); err != nil {
		t.Fatal(err)
	}
	list("after an expunge", "Message 4: Message 2:@ Message 1:R")
	if s := instance.Stats(); s.LineHits == 0 {
		t.Fatalf("no line came from the cache: %+v", s)
	}
}

// TestLineCacheWithoutCondStore lists through a server without CONDSTORE
// (go-imap's own): the lines come from the cache, their flags are read
// each time, and an expunged message leaves the list.
func TestLineCacheWithoutCondStore(t *testing.T) {
	srv := startMemServer(t, nil)
	for n := 1; n <= 3; n++ {
		srv.append(t, "INBOX", testMessage(n, false))
	}
	pool := NewPool(PoolOptions{MaxPerUser: 1})
	defer pool.Close()
	ctx := context.Background()
	list := func(step, want string) {
		t.Helper()
		wantMarks(t, pool, srv.endpoint, memUser, memPassword, step, want)
	}
	list("first list", "Message 3: Message 2: Message 1:")
	other := srv.dial(t)
	if err := other.SetSeen(ctx, "INBOX", true, 2); err != nil {
		t.Fatal(err)
	}
	if err := other.SetFlags(ctx, "INBOX", []string{`\Flagged`}, true, 1); err != nil {
		t.Fatal(err)
	}
	list("after changes by another client", "Message 3: Message 2:R Message 1:F")
	if err := other.Expunge(ctx, "INBOX", 3); err != nil {
		t.Fatal(err)
	}
	list("after an expunge by another client", "Message 2:R Message 1:F")
	if s := pool.Stats(); s.LineHits < 3 {
		t.Fatalf("the second list's lines did not come from the cache: %+v", s)
	}
}

// TestLineCacheBounded checks that the cache keeps within its bytes,
// dropping the least recently used lines first.
func TestLineCacheBounded(t *testing.T) {
	line := Summary{Subject: strings.Repeat("s", 100)}
	key := func(uid uint32) lineKey { return lineKey{owner: "o", mailbox: "INBOX", uidValidity: 1, uid: uid} }
	cost := lineCost(key(1), line)
	lc := newLineCache(10 * cost)
	for uid := uint32(1); uid <= 10; uid++ {
		lc.put(key(uid), line, 5)
	}
	lc.get(key(1)) // used: kept
	lc.put(key(11), line, 5)
	if _, _, ok := lc.get(key(2)); ok {
		t.Fatal("the least recently used line was kept past the bound")
	}
	if _, _, ok := lc.get(key(1)); !ok {
		t.Fatal("a recently used line was dropped")
	}
	if lc.entries.bytes > lc.entries.maxBytes {
		t.Fatalf("cache holds %d bytes, bound %d", lc.entries.bytes, lc.entries.maxBytes)
	}
	lc.confirm(key(1), 4, 9) // read at 5, not 4: left alone
	if _, at, _ := lc.get(key(1)); at != 5 {
		t.Fatalf("confirm of an older reading moved the line to %d", at)
	}
	lc.confirm(key(1), 5, 9)
	if _, at, _ := lc.get(key(1)); at != 9 {
		t.Fatalf("confirm left the line at %d, want 9", at)
	}
}

// TestLineCacheDropsLinesExpungedMeanwhile: a message expunged elsewhere
// after the list read the mailbox's state, but before it asked for the
// flags changed since, is not shown from the cache: CHANGEDSINCE says
// nothing of it, so the lines it left out are asked again when the
// mailbox lost messages meanwhile.
func TestLineCacheDropsLinesExpungedMeanwhile(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	var uids []uint32
	for n := 1; n <= 3; n++ {
		uids = append(uids, uint32(env.AppendRaw(t, email, password, "INBOX", testMessage(n, false))))
	}
	c := dialDovecot(t, ep, email, password)
	c.lines, c.owner = newLineCache(DefaultLineCacheBytes), "test"
	ctx := context.Background()
	if _, err := c.ListSorted(ctx, "INBOX", ListQuery{Page: 1}); err != nil {
		t.Fatal(err)
	}
	other := env.IMAPClient(t, email, password)
	if _, err := other.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	// A flag change: the cached lines' HIGHESTMODSEQ is now behind.
	if err := other.Store(imap.UIDSetNum(imap.UID(uids[0])), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged}, Silent: true}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	c.synced = false
	state, _, _, err := c.selectForList(ctx, "INBOX") // the list reads the state...
	if err != nil {
		t.Fatal(err)
	}
	// ... then message 2 is expunged elsewhere, and this connection hears of it.
	if err := other.Store(imap.UIDSetNum(imap.UID(uids[1])), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := other.UIDExpunge(imap.UIDSetNum(imap.UID(uids[1]))).Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	lines, err := c.fetchSummaries(ctx, "INBOX", []uint32{uids[2], uids[1], uids[0]}, state)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		got = append(got, fmt.Sprintf("%s flagged=%t", l.Subject, l.Flagged))
	}
	if want := []string{"Message 3 flagged=false", "Message 1 flagged=true"}; !slices.Equal(got, want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
}
