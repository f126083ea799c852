package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/plugins"
	_ "github.com/webmail/webmail/plugins/attachmentreminder"
	"github.com/webmail/webmail/store"
)

// TestSendAnywayAfterPluginWarning: attachment-reminder stops a send
// whose text mentions an attachment; the refusal page offers "Send
// anyway", which sends the saved compose.
func TestSendAnywayAfterPluginWarning(t *testing.T) {
	host, err := plugins.Load(plugins.Options{Names: []string{"attachment-reminder"}})
	if err != nil {
		t.Fatal(err)
	}
	f := newMsgFixture(t, func(d *testServerDeps) {
		smtp, err := mail.ParseSMTPURL("smtp://" + testenv.NewMail(t).SubmissionAddr)
		if err != nil {
			t.Fatal(err)
		}
		d.SMTP, d.Plugins = smtp, host
	})
	sf := &sendFixture{msgFixture: f}
	user, err := f.db.UserByEmail(t.Context(), f.email)
	if err != nil {
		t.Fatal(err)
	}
	sf.user = user
	// No undo window: the send goes at once.
	if err := f.db.SetPref(t.Context(), user.ID, store.PrefUndoSendDelay, "0"); err != nil {
		t.Fatal(err)
	}
	rcpt, rcptPassword := f.env.AddUser(t)
	c := sf.newCompose(t)
	token := f.csrf(t)

	resp, doc := f.post(t, "/compose/"+c.ID+"/send", sendForm(token, rcpt, "Bericht", "Anbei der Bericht."))
	confirm := doc.Find(`form:has([data-testid="confirm"])`)
	action, _ := confirm.Attr("action")
	if resp.StatusCode != http.StatusBadRequest || action != "/compose/"+c.ID+"/send" {
		t.Fatalf("first press: %d, confirm form to %q; want 400 with Send anyway", resp.StatusCode, action)
	}
	form := url.Values{}
	confirm.Find("input").Each(func(_ int, in *goquery.Selection) {
		form.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	if form.Get("send_anyway") != "1" || form.Get("csrf") == "" {
		t.Fatalf("confirm form fields %v", form)
	}
	resp, _ = f.post(t, action, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send anyway: %d", resp.StatusCode)
	}
	f.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
}
