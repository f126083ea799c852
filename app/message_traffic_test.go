package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"hash"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail/mime"
)

// hashWriter is a PartWriter that keeps only a hash.
type hashWriter struct {
	hash.Hash
	n int64
}

func (h *hashWriter) Write(b []byte) (int, error) { h.n += int64(len(b)); return h.Hash.Write(b) }
func (h *hashWriter) Started() bool               { return h.n > 0 }

// TestMessageViewLeavesAttachmentsOnServer opens, through a proxy that
// counts what Dovecot sends, the page and body of a message carrying a 4 MB
// attachment: the view fetches the structure and the text, never the
// attachment, yet lists it with its size. The attachment's download and the
// message's source that follow still get the real bytes, not the view's
// stand-in from the cache.
func TestMessageViewLeavesAttachmentsOnServer(t *testing.T) {
	ctx := context.Background()
	env := testenv.NewMail(t)
	proxy := testenv.NewTCPRecorder(t, env.IMAPAddr)
	d := newDovecotAppAt(t, env, "imap://"+proxy.Addr)
	sess, email, password := d.user(t)
	const attachmentSize = 4 << 20
	raw, sum := testenv.LargeAttachmentMessage(attachmentSize, 7)
	uid := uint32(env.AppendRaw(t, email, password, "INBOX", raw))

	page, err := d.ShowMessage(ctx, sess, ShowMessageInput{Mailbox: "INBOX", UID: uid})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.MessageBody(ctx, sess, BodyInput{Mailbox: "INBOX", UID: uid}); err != nil {
		t.Fatal(err)
	}
	viewBytes := proxy.Received()
	t.Logf("page and body of a %d-byte message: %d bytes from IMAP", len(raw), viewBytes)
	if viewBytes > 64<<10 {
		t.Errorf("the view read %d bytes from IMAP for a %d-byte message, want the text and structure only (< 64 KiB)", viewBytes, len(raw))
	}
	if !strings.Contains(page.Message.TextHTML, "The attachment is large.") {
		t.Errorf("text %q, want the message's text", page.Message.TextHTML)
	}
	if len(page.Message.Attachments) != 1 {
		t.Fatalf("attachments %+v, want large.bin", page.Message.Attachments)
	}
	att := page.Message.Attachments[0].Part
	if att.Filename != "large.bin" || att.ID != "2" || att.Size < attachmentSize*99/100 || att.Size > attachmentSize*101/100 {
		t.Errorf("attachment %+v, want large.bin, part 2, about %d bytes", att, attachmentSize)
	}

	d2 := newDovecotAppAt(t, env, "imap://"+env.IMAPAddr)
	d2.messages = d.messages // the view's entry is in the cache
	w := &hashWriter{Hash: sha256.New()}
	err = d2.DownloadPart(ctx, sess, PartInput{Mailbox: "INBOX", UID: uid, Part: []string{"2"}}, func(mime.Part) PartWriter { return w })
	if err != nil {
		t.Fatal(err)
	}
	if w.n != attachmentSize || !bytes.Equal(w.Sum(nil), sum[:]) {
		t.Errorf("download after the view: %d bytes, SHA-256 %x; want %d bytes, %x", w.n, w.Sum(nil), attachmentSize, sum)
	}
	source, err := d2.ShowMessageSource(ctx, sess, "INBOX", uid)
	if err != nil {
		t.Fatal(err)
	}
	if want := raw[:MaxSourceBytes]; source.Source != string(want) {
		t.Errorf("source after the view: %d bytes, not the message's first %d", len(source.Source), len(want))
	}
}

// seen reports whether message uid of the INBOX has \Seen, as another
// IMAP client sees it; set changes it first when not nil.
func seen(t *testing.T, env *testenv.Mail, email, password string, uid uint32, set *bool) bool {
	t.Helper()
	c := env.IMAPClient(t, email, password)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	uids := imap.UIDSetNum(imap.UID(uid))
	if set != nil {
		op := imap.StoreFlagsDel
		if *set {
			op = imap.StoreFlagsAdd
		}
		if err := c.Store(uids, &imap.StoreFlags{Op: op, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := c.Fetch(uids, &imap.FetchOptions{Flags: true}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("flags of UID %d: %v", uid, err)
	}
	return slices.Contains(msgs[0].Flags, imap.FlagSeen)
}

// TestMarkReadRidesOnTheFetch opens messages with the default setting
// (mark read on opening): the fetch itself marks the message read (BODY[],
// no STORE of its own); a message that comes from the cache is marked by a
// STORE sent with the flags' FETCH. A cross-site navigation marks nothing.
func TestMarkReadRidesOnTheFetch(t *testing.T) {
	ctx := context.Background()
	env := testenv.NewMail(t)
	proxy := testenv.NewTCPRecorder(t, env.IMAPAddr)
	d := newDovecotAppAt(t, env, "imap://"+proxy.Addr)
	sess, email, password := d.user(t)
	large, _ := testenv.LargeAttachmentMessage(1<<20, 5)
	uids := env.AppendMessages(t, email, password, "INBOX", [][]byte{htmlMessage("small"), large, htmlMessage("cross-site")})
	unseen := false

	for _, uid := range uids[:2] {
		proxy.Sent()
		if _, err := d.ShowMessage(ctx, sess, ShowMessageInput{Mailbox: "INBOX", UID: uint32(uid)}); err != nil {
			t.Fatal(err)
		}
		sent := proxy.Sent()
		if strings.Contains(sent, "STORE") || !strings.Contains(sent, "BODY[") {
			t.Errorf("opening UID %d sent %q: want the fetch (BODY[...]) to mark it read, without a STORE", uid, sent)
		}
		if !seen(t, env, email, password, uint32(uid), nil) {
			t.Errorf("UID %d not marked read on opening", uid)
		}
	}

	seen(t, env, email, password, uint32(uids[0]), &unseen) // another client marks it unread
	proxy.Sent()
	if _, err := d.ShowMessage(ctx, sess, ShowMessageInput{Mailbox: "INBOX", UID: uint32(uids[0])}); err != nil {
		t.Fatal(err)
	}
	if sent := proxy.Sent(); strings.Contains(sent, "BODY") || strings.Count(sent, "STORE") != 1 {
		t.Errorf("opening a cached message sent %q: want no fetch of it, one STORE", sent)
	}
	if !seen(t, env, email, password, uint32(uids[0]), nil) {
		t.Error("a cached message not marked read on opening")
	}

	proxy.Sent()
	if _, err := d.ShowMessage(ctx, sess, ShowMessageInput{Mailbox: "INBOX", UID: uint32(uids[2]), CrossSite: true}); err != nil {
		t.Fatal(err)
	}
	if sent := proxy.Sent(); strings.Contains(sent, "STORE") || strings.Contains(strings.ReplaceAll(sent, "BODY.PEEK[", ""), "BODY[") {
		t.Errorf("a cross-site opening sent %q: want nothing that marks it read", sent)
	}
	if seen(t, env, email, password, uint32(uids[2]), nil) {
		t.Error("a cross-site opening marked the message read")
	}
}

// TestMessageViewAsksForNewsOnce opens a message and its body on a pooled
// connection: each request brings the mailbox up to date once (a NOOP at
// its first command), not before every command of the view.
func TestMessageViewAsksForNewsOnce(t *testing.T) {
	ctx := context.Background()
	env := testenv.NewMail(t)
	proxy := testenv.NewTCPRecorder(t, env.IMAPAddr)
	d := newDovecotAppAt(t, env, "imap://"+proxy.Addr)
	sess, email, password := d.user(t)
	uids := env.AppendMessages(t, email, password, "INBOX", [][]byte{htmlMessage("first"), htmlMessage("second")})
	if _, err := d.ShowMessage(ctx, sess, ShowMessageInput{Mailbox: "INBOX", UID: uint32(uids[0])}); err != nil {
		t.Fatal(err)
	}
	proxy.Sent()
	if _, err := d.ShowMessage(ctx, sess, ShowMessageInput{Mailbox: "INBOX", UID: uint32(uids[1])}); err != nil {
		t.Fatal(err)
	}
	if sent := proxy.Sent(); strings.Count(sent, "NOOP") != 1 {
		t.Errorf("a message page on a pooled connection sent %q: want one NOOP", sent)
	}
	if _, err := d.MessageBody(ctx, sess, BodyInput{Mailbox: "INBOX", UID: uint32(uids[1])}); err != nil {
		t.Fatal(err)
	}
	if sent := proxy.Sent(); strings.Count(sent, "NOOP") != 1 {
		t.Errorf("its body document sent %q: want one NOOP", sent)
	}
}

// TestMessageViewCommands opens messages as the full page and as the
// reading pane: neighbours come by sequence number (no UID SEARCH, which
// walks the mailbox), and the pane's folder list carries no counts (it
// shows no folder tree; LIST with STATUS costs Dovecot five times the
// LIST), while the page's does.
func TestMessageViewCommands(t *testing.T) {
	ctx := context.Background()
	env := testenv.NewMail(t)
	proxy := testenv.NewTCPRecorder(t, env.IMAPAddr)
	d := newDovecotAppAt(t, env, "imap://"+proxy.Addr)
	sess, email, password := d.user(t)
	uids := env.AppendMessages(t, email, password, "INBOX", [][]byte{htmlMessage("first"), htmlMessage("second"), htmlMessage("third")})
	proxy.Sent()
	page, err := d.ShowMessage(ctx, sess, ShowMessageInput{Mailbox: "INBOX", UID: uint32(uids[1])})
	if err != nil {
		t.Fatal(err)
	}
	sent := proxy.Sent()
	if strings.Contains(sent, "SEARCH") || !regexp.MustCompile(`LIST .*STATUS \((MESSAGES UNSEEN|UNSEEN MESSAGES)\)`).MatchString(sent) {
		t.Errorf("the message page sent %q: want no SEARCH, and the folders' counts", sent)
	}
	if page.Nav.Older != uint32(uids[0]) || page.Nav.Newer != uint32(uids[2]) {
		t.Errorf("neighbours older %d newer %d, want %d %d", page.Nav.Older, page.Nav.Newer, uids[0], uids[2])
	}
	if inbox := findFolder(page.Folders, "INBOX"); inbox == nil || inbox.Messages != 3 {
		t.Errorf("the page's INBOX: %+v, want 3 messages", inbox)
	}
	pane, err := d.ShowMessage(ctx, sess, ShowMessageInput{Mailbox: "INBOX", UID: uint32(uids[2]), Pane: true})
	if err != nil {
		t.Fatal(err)
	}
	if sent := proxy.Sent(); strings.Contains(sent, "SEARCH") || strings.Contains(sent, "STATUS") || !strings.Contains(sent, "LIST") {
		t.Errorf("the reading pane sent %q: want a LIST without counts, no SEARCH", sent)
	}
	if pane.Nav.Older != uint32(uids[1]) || pane.Nav.Newer != 0 {
		t.Errorf("the last message's neighbours: older %d newer %d, want %d 0", pane.Nav.Older, pane.Nav.Newer, uids[1])
	}
	if SpecialUse(pane.Folders, "Trash") != "trash" {
		t.Errorf("the pane's folders lack their uses (move targets): %+v", pane.Folders)
	}
}

func findFolder(boxes []Mailbox, name string) *Mailbox {
	for i := range boxes {
		if boxes[i].Name == name {
			return &boxes[i]
		}
	}
	return nil
}
