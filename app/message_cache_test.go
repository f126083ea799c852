package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// dovecotApp is an App against the test Dovecot, without a database.
type dovecotApp struct {
	*App
	env      *testenv.Mail
	endpoint mail.Endpoint
}

func newDovecotApp(t *testing.T) *dovecotApp {
	t.Helper()
	env := testenv.NewMail(t)
	return newDovecotAppAt(t, env, "imap://"+env.IMAPAddr)
}

// newDovecotAppAt is an App against env's Dovecot reached at imapURL (a
// proxy in front of it, say).
func newDovecotAppAt(t *testing.T, env *testenv.Mail, imapURL string) *dovecotApp {
	t.Helper()
	ep, err := mail.ParseIMAPURL(imapURL)
	if err != nil {
		t.Fatal(err)
	}
	pool := mail.NewPool(mail.PoolOptions{})
	t.Cleanup(pool.Close)
	sealer, err := session.NewSealer("app-test-secret-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	sessions := session.NewManager(session.NewMemory(), sealer, time.Hour, 12*time.Hour)
	return &dovecotApp{App: New(Deps{Sessions: sessions, IMAP: ep, Pool: pool, MessageCacheBytes: 64 << 20}), env: env, endpoint: ep}
}

// user adds a Dovecot user and signs them in.
func (d *dovecotApp) user(t *testing.T) (sess *session.Session, email, password string) {
	t.Helper()
	email, password = d.env.AddUser(t)
	sess, err := d.Sessions.Create(context.Background(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	return sess, email, password
}

// uidValidity is mailbox's UIDVALIDITY as a plain IMAP client sees it.
func (d *dovecotApp) uidValidity(t *testing.T, email, password, mailbox string) uint32 {
	t.Helper()
	data, err := d.env.IMAPClient(t, email, password).Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return data.UIDValidity
}

func htmlMessage(text string) []byte {
	return []byte("From: Sender <sender@example.org>\r\nTo: reader@example.test\r\nSubject: " + text +
		"\r\nDate: Fri, 1 Mar 2024 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>" + text + "</p>\r\n")
}

// TestMessageCacheNeverServesAnotherUser puts, at the very mailbox,
// UIDVALIDITY and UID of Bob's message, what Alice's view of hers would
// leave in the cache; Bob's page and body must still be his own message.
func TestMessageCacheNeverServesAnotherUser(t *testing.T) {
	ctx := context.Background()
	d := newDovecotApp(t)
	alice, _, _ := d.user(t)
	bob, bobEmail, bobPassword := d.user(t)
	uid := uint32(d.env.AppendRaw(t, bobEmail, bobPassword, "INBOX", htmlMessage("Bob's own message")))
	uidValidity := d.uidValidity(t, bobEmail, bobPassword, "INBOX")

	ref := messageRef{mailbox: "INBOX", uid: uid}
	aliceKey := messageKey(d.endpoint.String(), alice, ref, uidValidity)
	alices := d.parse(ctx, htmlMessage("Alice's secret"))
	d.messages.add(aliceKey, alices, alices.size())
	d.body(aliceKey, alices, false)

	page, err := d.ShowMessage(ctx, bob, ShowMessageInput{Mailbox: ref.mailbox, UID: ref.uid})
	if err != nil {
		t.Fatal(err)
	}
	if page.Message.Subject != "Bob's own message" {
		t.Errorf("Bob's page shows %q", page.Message.Subject)
	}
	doc, err := d.MessageBody(ctx, bob, BodyInput{Mailbox: ref.mailbox, UID: ref.uid})
	if err != nil {
		t.Fatal(err)
	}
	body := doc.HTML
	if !strings.Contains(body, "Bob&#39;s own message") && !strings.Contains(body, "Bob's own message") || strings.Contains(body, "Alice") {
		t.Errorf("Bob's body document: %q", body)
	}
}

// TestMessageCacheFollowsUIDValidity shows a message, then replaces its
// mailbox with a new one (a new UIDVALIDITY) whose first message has the
// same UID: the page and the body show the new message, never the cached
// one. The user reads a message of another mailbox in between, so the
// app's connection selects the new mailbox afresh (see
// mail.Client.UIDValidity for a connection that kept it selected).
func TestMessageCacheFollowsUIDValidity(t *testing.T) {
	ctx := context.Background()
	d := newDovecotApp(t)
	sess, email, password := d.user(t)
	c := d.env.IMAPClient(t, email, password)
	if err := c.Create("Box", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	uid := uint32(d.env.AppendRaw(t, email, password, "Box", htmlMessage("First mailbox")))
	before := d.uidValidity(t, email, password, "Box")
	if body, err := d.MessageBody(ctx, sess, BodyInput{Mailbox: "Box", UID: uid}); err != nil || !strings.Contains(body.HTML, "First mailbox") {
		t.Fatalf("first body %q, %v", body.HTML, err)
	}

	if err := c.Delete("Box").Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Box", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if again := uint32(d.env.AppendRaw(t, email, password, "Box", htmlMessage("Second mailbox"))); again != uid {
		t.Fatalf("the new mailbox's message has UID %d, not %d: the test needs the same UID", again, uid)
	}
	if after := d.uidValidity(t, email, password, "Box"); after == before {
		t.Fatalf("Dovecot kept UIDVALIDITY %d for the new mailbox", after)
	}

	other := uint32(d.env.AppendRaw(t, email, password, "INBOX", htmlMessage("Elsewhere")))
	if _, err := d.MessageBody(ctx, sess, BodyInput{Mailbox: "INBOX", UID: other}); err != nil {
		t.Fatal(err)
	}
	page, err := d.ShowMessage(ctx, sess, ShowMessageInput{Mailbox: "Box", UID: uid})
	if err != nil {
		t.Fatal(err)
	}
	if page.Message.Subject != "Second mailbox" {
		t.Errorf("page after the mailbox was replaced shows %q", page.Message.Subject)
	}
	doc, err := d.MessageBody(ctx, sess, BodyInput{Mailbox: "Box", UID: uid})
	if err != nil {
		t.Fatal(err)
	}
	body := doc.HTML
	if !strings.Contains(body, "Second mailbox") {
		t.Errorf("body after the mailbox was replaced: %q", body)
	}
}

// TestShowMessageLeavesTheBodyReady checks the page builds the body its
// document will ask for, for each remote-content choice, and that the
// body document then adds nothing to the cache.
func TestShowMessageLeavesTheBodyReady(t *testing.T) {
	ctx := context.Background()
	d := newDovecotApp(t)
	sess, email, password := d.user(t)
	uid := uint32(d.env.AppendRaw(t, email, password, "INBOX", []byte(
		"From: news@shop.example\r\nSubject: Remote\r\nContent-Type: text/html\r\n\r\n<p>Hi <img src=\"https://tracker.example/p.png\"></p>\r\n")))
	for _, images := range []bool{false, true} {
		page, err := d.ShowMessage(ctx, sess, ShowMessageInput{Mailbox: "INBOX", UID: uid, ShowImages: images})
		if err != nil {
			t.Fatal(err)
		}
		if page.Message.Remote.Shown != images || page.Message.Remote.Blocked == images {
			t.Errorf("images=%v: remote content %+v", images, page.Message.Remote)
		}
		entries, _ := d.messages.stats()
		doc, err := d.MessageBody(ctx, sess, BodyInput{Mailbox: "INBOX", UID: uid, AllowRemote: images})
		if err != nil {
			t.Fatal(err)
		}
		body := doc.HTML
		if strings.Contains(body, "tracker.example") != images {
			t.Errorf("images=%v: body %q", images, body)
		}
		if after, _ := d.messages.stats(); after != entries {
			t.Errorf("images=%v: the body document built %d cache entries the page had not", images, after-entries)
		}
	}
}
