package app

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// secondInstance is another App over the same mail server and cluster
// secret as d, with its own IMAP pool and session store: what a second
// instance behind the load balancer is.
func (d *dovecotApp) secondInstance(t *testing.T) *App {
	t.Helper()
	sealer, err := session.NewSealer("app-test-secret-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	pool := mail.NewPool(mail.PoolOptions{})
	t.Cleanup(pool.Close)
	sessions := session.NewManager(session.NewMemory(), sealer, time.Hour, 12*time.Hour)
	return New(Deps{Sessions: sessions, IMAP: d.endpoint, Pool: pool})
}

// mailboxContent is every message of mailbox as a plain IMAP client sees
// it: raw bytes and flags, by UID.
type storedMessage struct {
	raw   []byte
	flags []imap.Flag
}

func (d *dovecotApp) mailboxContent(t *testing.T, email, password, mailbox string) map[imap.UID]storedMessage {
	t.Helper()
	c := d.env.IMAPClient(t, email, password)
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	all := imap.SeqSet{}
	all.AddRange(1, 0)
	out := map[imap.UID]storedMessage{}
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil && !strings.Contains(err.Error(), "No messages") {
		t.Fatal(err)
	}
	for _, m := range msgs {
		var raw []byte
		for _, body := range m.BodySection {
			raw = body.Bytes
		}
		out[m.UID] = storedMessage{raw: raw, flags: m.Flags}
	}
	return out
}

// onlyMessage is the one message of mailbox, failing unless there is
// exactly one.
func (d *dovecotApp) onlyMessage(t *testing.T, email, password, mailbox string) (imap.UID, storedMessage) {
	t.Helper()
	content := d.mailboxContent(t, email, password, mailbox)
	if len(content) != 1 {
		t.Fatalf("%s holds %d messages, want 1", mailbox, len(content))
	}
	for uid, m := range content {
		return uid, m
	}
	panic("unreachable")
}

// TestUndoMoveOnAnotherInstance moves a message with one instance and
// undoes it with another: the message is back in its folder with the same
// content, and the folder it went to is empty again. A second undo with
// the same token finds nothing to move.
func TestUndoMoveOnAnotherInstance(t *testing.T) {
	ctx := context.Background()
	d := newDovecotApp(t)
	other := d.secondInstance(t)
	sess, email, password := d.user(t)
	if err := d.CreateFolder(ctx, sess, CreateFolderInput{Name: "Projects"}); err != nil {
		t.Fatal(err)
	}
	raw := htmlMessage("the one that goes back")
	uids := d.env.AppendMessages(t, email, password, "INBOX", [][]byte{raw})

	res, err := d.RunListAction(ctx, sess, ListAction{Action: ActMove, Mailbox: "INBOX", Target: "Projects",
		Groups: []MessageGroup{{Mailbox: "INBOX", UIDs: []uint32{uint32(uids[0])}}}})
	if err != nil || res.Undo == "" || res.Message != "Moved 1 message to Projects." {
		t.Fatalf("move: %+v, %v", res, err)
	}
	if n := d.count(t, email, password, "INBOX"); n != 0 {
		t.Fatalf("INBOX holds %d messages after the move", n)
	}

	offer, ok := other.ReadUndoOffer(sess, res.Undo)
	if !ok || offer.Message != res.Message {
		t.Fatalf("the other instance reads the offer as %+v, %v", offer, ok)
	}
	undone, err := other.UndoListAction(ctx, sess, res.Undo)
	if err != nil || undone.Moved != 1 || undone.Mailbox != "INBOX" || len(undone.UIDs) != 1 ||
		undone.Message != "Moved 1 message back to Inbox." {
		t.Fatalf("undo on the other instance: %+v, %v", undone, err)
	}
	uid, back := d.onlyMessage(t, email, password, "INBOX")
	if !bytes.Equal(back.raw, raw) {
		t.Fatalf("the message came back as\n%q\nwant\n%q", back.raw, raw)
	}
	if uint32(uid) != undone.UIDs[0] {
		t.Errorf("undo reports UID %d, INBOX holds %d", undone.UIDs[0], uid)
	}
	if n := d.count(t, email, password, "Projects"); n != 0 {
		t.Fatalf("Projects still holds %d messages", n)
	}

	again, err := d.UndoListAction(ctx, sess, res.Undo)
	if err != nil || again.Moved != 0 || again.Message != "Nothing was moved back: the messages are no longer in Projects." {
		t.Fatalf("second undo: %+v, %v", again, err)
	}
	if n := d.count(t, email, password, "INBOX"); n != 1 {
		t.Fatalf("INBOX holds %d messages after the second undo", n)
	}
}

// TestUndoFromSeveralFolders: a delete of search results from two folders
// puts each message back in its own folder.
func TestUndoFromSeveralFolders(t *testing.T) {
	ctx := context.Background()
	d := newDovecotApp(t)
	sess, email, password := d.user(t)
	if err := d.CreateFolder(ctx, sess, CreateFolderInput{Name: "Projects"}); err != nil {
		t.Fatal(err)
	}
	inInbox := d.env.AppendMessages(t, email, password, "INBOX", [][]byte{htmlMessage("inbox")})
	inProjects := d.env.AppendMessages(t, email, password, "Projects", [][]byte{htmlMessage("projects")})
	res, err := d.RunListAction(ctx, sess, ListAction{Action: ActDelete, Groups: []MessageGroup{
		{Mailbox: "INBOX", UIDs: []uint32{uint32(inInbox[0])}},
		{Mailbox: "Projects", UIDs: []uint32{uint32(inProjects[0])}},
	}})
	if err != nil || res.Undo == "" {
		t.Fatalf("delete: %+v, %v", res, err)
	}
	undone, err := d.UndoListAction(ctx, sess, res.Undo)
	if err != nil || undone.Moved != 2 || undone.Message != "Moved 2 messages back to their folders." {
		t.Fatalf("undo: %+v, %v", undone, err)
	}
	for mailbox, raw := range map[string][]byte{"INBOX": htmlMessage("inbox"), "Projects": htmlMessage("projects")} {
		if _, m := d.onlyMessage(t, email, password, mailbox); !bytes.Equal(m.raw, raw) {
			t.Errorf("%s holds %q", mailbox, m.raw)
		}
	}
	if n := d.count(t, email, password, "Trash"); n != 0 {
		t.Fatalf("Trash still holds %d messages", n)
	}
}

// TestUndoJunkRestoresFlags: junk adds $Junk, removes $NotJunk and moves
// to Junk; the undo brings the messages back with the flags they had
// before: $Junk off where the action set it, on where it was already,
// $NotJunk back, \Flagged and \Seen untouched.
func TestUndoJunkRestoresFlags(t *testing.T) {
	ctx := context.Background()
	d := newDovecotApp(t)
	sess, email, password := d.user(t)
	clean, spam := htmlMessage("clean"), htmlMessage("spam")
	uids := d.env.AppendMessages(t, email, password, "INBOX", [][]byte{clean, spam})
	c := d.env.IMAPClient(t, email, password)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	for i, flags := range [][]imap.Flag{{imap.FlagFlagged, imap.FlagSeen, "$NotJunk"}, {"$Junk"}} {
		err := c.Store(imap.UIDSetNum(uids[i]), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: flags}, nil).Close()
		if err != nil {
			t.Fatal(err)
		}
	}

	res, err := d.RunListAction(ctx, sess, ListAction{Action: ActJunk, Mailbox: "INBOX",
		Groups: []MessageGroup{{Mailbox: "INBOX", UIDs: []uint32{uint32(uids[0]), uint32(uids[1])}}}})
	if err != nil || res.Undo == "" || !res.Removed {
		t.Fatalf("junk: %+v, %v", res, err)
	}
	undone, err := d.UndoListAction(ctx, sess, res.Undo)
	if err != nil || undone.Moved != 2 || undone.Message != "Moved 2 messages back to Inbox." {
		t.Fatalf("undo: %+v, %v", undone, err)
	}
	want := map[string][]imap.Flag{
		string(clean): {imap.FlagFlagged, imap.FlagSeen, "$NotJunk"},
		string(spam):  {"$Junk"},
	}
	content := d.mailboxContent(t, email, password, "INBOX")
	if len(content) != 2 {
		t.Fatalf("INBOX holds %d messages after the undo, want 2", len(content))
	}
	for _, m := range content {
		flags, ok := want[string(m.raw)]
		if !ok {
			t.Fatalf("INBOX holds a message that was not there: %q", m.raw)
		}
		// \Recent is the session's news, not the message's state.
		got := slices.DeleteFunc(slices.Clone(m.flags), func(f imap.Flag) bool { return f == "\\Recent" })
		slices.Sort(got)
		slices.Sort(flags)
		if !slices.Equal(got, flags) {
			t.Errorf("%q came back with flags %v, want %v", m.raw[len(m.raw)-14:], got, flags)
		}
	}
}

// TestUndoTokenRefusals: a token is the user's own, unchanged and fresh,
// or it moves nothing.
func TestUndoTokenRefusals(t *testing.T) {
	d := newDovecotApp(t)
	now := time.Now()
	ticket := undoTicket{Expires: now.Add(UndoWindow).Unix(), Message: "Moved 1 message to Trash.",
		Moves: []undoMove{{From: "INBOX", To: "Trash", Validity: 7, UIDs: "3"}}}
	token := d.signUndo("alice@example.test", ticket)
	if _, err := d.openUndo("alice@example.test", token, now); err != nil {
		t.Fatalf("own token: %v", err)
	}
	tests := []struct {
		name, user, token string
		at                time.Time
		message           string
	}{
		{"another user", "bob@example.test", token, now, "This action cannot be undone from here any more."},
		{"changed", "alice@example.test", strings.Replace(token, token[:8], "AAAAAAAA", 1), now, "This action cannot be undone from here any more."},
		{"no signature", "alice@example.test", strings.Split(token, ".")[0], now, "This action cannot be undone from here any more."},
		{"empty", "alice@example.test", "", now, "This action cannot be undone from here any more."},
		{"too late", "alice@example.test", token, now.Add(UndoWindow + 2*undoSkew), "It is too late to undo that: an action can be undone for 5 minutes. Move the messages back yourself."},
	}
	if UndoWindow != 5*time.Minute {
		t.Fatal("the too-late message says 5 minutes: change it with UndoWindow")
	}
	for _, tt := range tests {
		_, err := d.openUndo(tt.user, tt.token, tt.at)
		wantCode(t, tt.name, err, CodeInvalid, tt.message)
	}
}

// TestUIDSetRoundTrip: the sets in a token read back as they were
// written, and nonsense is refused.
func TestUIDSetRoundTrip(t *testing.T) {
	for _, uids := range [][]uint32{{5}, {1, 2, 3, 9, 11, 12}, {4294967295}} {
		set := formatUIDs(uids)
		got, ok := parseUIDs(set)
		if !ok || !slices.Equal(got, uids) {
			t.Errorf("%v -> %q -> %v, %v", uids, set, got, ok)
		}
	}
	if got := formatUIDs([]uint32{9, 3, 4, 3}); got != "3:4,9" {
		t.Errorf("unsorted UIDs as %q", got)
	}
	for _, bad := range []string{"", "0", "5:3", "a", "1:4294967295", "1,,2"} {
		if _, ok := parseUIDs(bad); ok {
			t.Errorf("%q was accepted", bad)
		}
	}
}
