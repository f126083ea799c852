package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/store"
)

// sendFixture is the Dovecot fixture with an application layer that sends
// through the test Postfix, and the signed-in user's database row.
type sendFixture struct {
	*msgFixture
	app  *app.App
	user store.User
}

func newSendFixture(t *testing.T, undoDelay int) *sendFixture {
	t.Helper()
	f := newMsgFixture(t, func(d *testServerDeps) {
		smtp, err := mail.ParseSMTPURL("smtp://" + testenv.NewMail(t).SubmissionAddr)
		if err != nil {
			t.Fatal(err)
		}
		d.SMTP = smtp
	})
	core := f.server.App
	ctx := context.Background()
	user, err := f.db.UserByEmail(ctx, f.email)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetPref(ctx, user.ID, store.PrefUndoSendDelay, strconv.Itoa(undoDelay)); err != nil {
		t.Fatal(err)
	}
	return &sendFixture{msgFixture: f, app: core, user: user}
}

// newCompose stores a compose of the signed-in user (the compose page's
// own test makes them through the page).
func (f *sendFixture) newCompose(t *testing.T) store.Compose {
	t.Helper()
	c, err := f.db.CreateCompose(context.Background(), store.Compose{UserID: f.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sendForm is the compose form as the page posts it.
func sendForm(token, to, subject, body string) url.Values {
	return url.Values{"csrf": {token}, "to": {to}, "cc": {""}, "bcc": {""}, "subject": {subject},
		"body": {body}, "identity": {""}, "priority": {"normal"}, "revision": {"1"}}
}

// count is the number of messages in mailbox of a user.
func (f *sendFixture) count(t *testing.T, email, password, mailbox string) uint32 {
	t.Helper()
	data, err := f.env.IMAPClient(t, email, password).Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return data.NumMessages
}

// TestSendFormDelivers posts the compose form to /compose/{id}/send with
// no undo delay: a redirect to the result page, which says sent; the
// message is in the recipient's INBOX and in Sent.
func TestSendFormDelivers(t *testing.T) {
	f := newSendFixture(t, 0)
	rcpt, rcptPassword := f.env.AddUser(t)
	c := f.newCompose(t)
	token := f.csrf(t)

	start := time.Now()
	resp, _ := f.post(t, "/compose/"+c.ID+"/send", sendForm(token, rcpt, "Über HTTP", "Hallo"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/compose/"+c.ID+"/send" {
		t.Fatalf("send: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, doc := f.page(t, "/compose/"+c.ID+"/send")
	t.Logf("POST send + GET result page, delay 0: %v", time.Since(start))
	if resp.StatusCode != http.StatusOK || doc.Find(`[data-testid="send-result"]`).AttrOr("data-state", "") != "sent" ||
		!strings.Contains(doc.Find(`[data-testid="send-status"]`).Text(), "Sent") {
		t.Fatalf("result page: %d, state %q", resp.StatusCode, doc.Find(`[data-testid="send-result"]`).AttrOr("data-state", ""))
	}
	f.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	if n := f.count(t, f.email, f.password, "Sent"); n != 1 {
		t.Fatalf("Sent holds %d, want 1", n)
	}
	// Posting again (a reload, a replay) sends nothing more.
	resp, _ = f.post(t, "/compose/"+c.ID+"/send", sendForm(token, rcpt, "Über HTTP", "Hallo"))
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusNotFound {
		t.Fatalf("replayed send: %d", resp.StatusCode)
	}
	time.Sleep(500 * time.Millisecond)
	if n := f.count(t, rcpt, rcptPassword, "INBOX"); n != 1 {
		t.Fatalf("recipient INBOX holds %d, want 1", n)
	}
}

// TestSendFormUndo: with the undo window the result page counts down
// with Undo; Undo goes back to the compose, and the outbox page is empty.
func TestSendFormUndo(t *testing.T) {
	f := newSendFixture(t, 20)
	rcpt, _ := f.env.AddUser(t)
	c := f.newCompose(t)
	token := f.csrf(t)
	f.post(t, "/compose/"+c.ID+"/send", sendForm(token, rcpt, "undo", "x"))
	_, doc := f.page(t, "/compose/"+c.ID+"/send")
	status := doc.Find(`[data-testid="send-status"]`).Text()
	if !strings.HasPrefix(status, "Sending in ") || doc.Find(`[data-testid="undo"]`).Length() != 1 {
		t.Fatalf("result page says %q (undo buttons: %d)", status, doc.Find(`[data-testid="undo"]`).Length())
	}
	if refresh := doc.Find(`meta[http-equiv="refresh"]`).AttrOr("content", ""); refresh == "" {
		t.Error("a waiting message's page does not reload itself")
	}
	_, outbox := f.page(t, "/outbox")
	if outbox.Find(`[data-testid="outbox-row"][data-state="scheduled"]`).Length() != 1 {
		t.Fatal("the outbox page does not list the waiting message")
	}
	resp, _ := f.post(t, "/compose/"+c.ID+"/undo", url.Values{"csrf": {token}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/compose/"+c.ID {
		t.Fatalf("undo: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	back, err := f.db.Compose(context.Background(), c.ID, f.user.ID)
	if err != nil || back.State != store.ComposeOpen {
		t.Fatalf("compose after undo: %v %v", back.State, err)
	}
	_, outbox = f.page(t, "/outbox")
	if outbox.Find(`[data-testid="outbox-empty"]`).Length() != 1 {
		t.Fatal("the outbox page still lists the undone message")
	}
	// Without the CSRF token nothing is sent.
	resp, _ = f.post(t, "/compose/"+c.ID+"/send", sendForm("", rcpt, "forged", "x"))
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("send without the token: %d, want 403", resp.StatusCode)
	}
}

// TestSendRefusalNotice: a message the server refuses shows the refusal
// on the result page and as a banner on the mail pages until dismissed.
func TestSendRefusalNotice(t *testing.T) {
	f := newSendFixture(t, 0)
	c := f.newCompose(t)
	token := f.csrf(t)
	nobody := "nobody-at-all@" + f.env.Domain
	f.post(t, "/compose/"+c.ID+"/send", sendForm(token, nobody, "refused", "x"))
	_, doc := f.page(t, "/compose/"+c.ID+"/send")
	if doc.Find(`[data-testid="send-result"]`).AttrOr("data-state", "") != "failed" ||
		!strings.Contains(doc.Find(`[data-testid="send-answer"]`).Text(), nobody) {
		t.Fatalf("result page: %q", doc.Find("main").Text())
	}
	_, inbox := f.page(t, "/mail/INBOX")
	notice := inbox.Find(`[data-testid="send-notice"]`)
	if notice.Length() != 1 || !strings.Contains(notice.Find(`[data-testid="send-notice-answer"]`).Text(), nobody) ||
		notice.Find(`[data-testid="send-notice-open"]`).AttrOr("href", "") != "/compose/"+c.ID {
		t.Fatalf("notice on the INBOX page: %d: %q", notice.Length(), notice.Text())
	}
	// The INBOX holds the refusal message too.
	if n := f.count(t, f.email, f.password, "INBOX"); n != 1 {
		t.Fatalf("INBOX holds %d, want the refusal message", n)
	}
	action := notice.Find("form").AttrOr("action", "")
	resp, _ := f.post(t, action, url.Values{"csrf": {token}, "next": {"/mail/INBOX"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/mail/INBOX" {
		t.Fatalf("dismiss: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, inbox = f.page(t, "/mail/INBOX")
	if inbox.Find(`[data-testid="send-notice"]`).Length() != 0 {
		t.Fatal("the notice is still shown after dismissing")
	}
	// Dismiss never redirects off the site.
	resp, _ = f.post(t, action, url.Values{"csrf": {token}, "next": {"//evil.example/"}})
	if loc := resp.Header.Get("Location"); loc != "/mail/INBOX" {
		t.Fatalf("dismiss with an outside next: to %q", loc)
	}
}

// TestSendHeaderInjection posts CR, LF and NUL into every field of the
// compose form: either the field is refused (the page says what to
// correct and leads back) or the line break is folded into a space as
// every save does; in no case does a header or a recipient get in: the
// victim address written after a line break receives nothing and no
// delivered message carries an injected header. A body
// trying SMTP smuggling (a lone dot, then commands) is sent as text.
func TestSendHeaderInjection(t *testing.T) {
	f := newSendFixture(t, 0)
	rcpt, rcptPassword := f.env.AddUser(t)
	victim, victimPassword := f.env.AddUser(t)
	token := f.csrf(t)
	sent := 0
	for _, sep := range []string{"\r\n", "\n", "\r", "\x00"} {
		inject := sep + "Bcc: " + victim
		for field, form := range map[string]url.Values{
			"to":           sendForm(token, rcpt+inject, "s", "b"),
			"to-name":      sendForm(token, "Name"+inject+" <"+rcpt+">", "s", "b"),
			"cc":           withField(sendForm(token, rcpt, "s", "b"), "cc", victim+sep+"X: y"),
			"bcc":          withField(sendForm(token, rcpt, "s", "b"), "bcc", "a@"+f.env.Domain+inject),
			"subject":      sendForm(token, rcpt, "Hello"+inject, "b"),
			"send_at":      withField(sendForm(token, rcpt, "s", "b"), "send_at", "2099-01-01T10:00"+inject),
			"priority":     withField(sendForm(token, rcpt, "s", "b"), "priority", "1"+inject),
			"identity":     withField(sendForm(token, rcpt, "s", "b"), "identity", "1"+inject),
			"format":       withField(sendForm(token, rcpt, "s", "b"), "format", "html"+inject),
			"body_html":    withField(withField(sendForm(token, rcpt, "s", "b"), "format", "html"), "body_html", "<p>x</p>"+inject),
			"read_receipt": withField(sendForm(token, rcpt, "s", "b"), "read_receipt", "on"+inject),
		} {
			c := f.newCompose(t)
			resp, doc := f.post(t, "/compose/"+c.ID+"/send", form)
			switch resp.StatusCode {
			case http.StatusSeeOther:
				// Line breaks folded into spaces (as every save does) or
				// dropped: sent, and checked below to carry no injected
				// header and to reach no victim.
				sent++
			case http.StatusBadRequest:
				msg := doc.Find(`[data-testid="error-message"]`).Text()
				if msg == "" || doc.Find(`a[href="/compose/`+c.ID+`"]`).Length() != 1 {
					t.Errorf("%s with %q: no message or no way back: %q", field, sep, msg)
				}
				back, err := f.db.Compose(context.Background(), c.ID, f.user.ID)
				if err != nil || back.State != store.ComposeOpen {
					t.Errorf("%s with %q: compose %v %v, want open", field, sep, back.State, err)
				}
			default:
				t.Errorf("%s with %q: %d, want 303 or 400", field, sep, resp.StatusCode)
			}
			if (field == "send_at" || field == "to" || field == "cc") && resp.StatusCode != http.StatusBadRequest {
				// The address stays glued to the injected text, which is
				// no address: refused. A time with text after it is none.
				t.Errorf("%s with %q: %d, want 400", field, sep, resp.StatusCode)
			}
		}
	}
	smuggle := "Hi\r\n.\r\nMAIL FROM:<" + f.email + ">\r\nRCPT TO:<" + victim + ">\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n"
	c := f.newCompose(t)
	if resp, _ := f.post(t, "/compose/"+c.ID+"/send", sendForm(token, rcpt, "smuggling", smuggle)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("smuggling body: %d", resp.StatusCode)
	}
	sent++
	t.Logf("%d of the injection attempts were sent (folded or dropped), the others refused", sent-1)
	f.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", sent)
	time.Sleep(500 * time.Millisecond)
	if n := f.count(t, victim, victimPassword, "INBOX"); n != 0 {
		t.Fatalf("the victim received %d messages", n)
	}
	client := f.env.IMAPClient(t, rcpt, rcptPassword)
	if _, err := client.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	var all imap.SeqSet
	all.AddRange(1, uint32(sent))
	msgs, err := client.Fetch(all,
		&imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Specifier: imap.PartSpecifierHeader, Peek: true}}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		for _, header := range m.BodySection {
			h := "\r\n" + string(header.Bytes)
			if strings.Contains(h, "\nBcc:") || strings.Contains(h, "\nX: y") || strings.Contains(h, "smuggled") {
				t.Errorf("a delivered message carries an injected header:\n%s", header.Bytes)
			}
		}
	}
}

func withField(v url.Values, name, value string) url.Values {
	v.Set(name, value)
	return v
}
