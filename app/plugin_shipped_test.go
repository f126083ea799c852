package app

import (
	"bytes"
	"context"
	"io"
	"mime/quotedprintable"
	"strings"
	"testing"

	"github.com/webmail/webmail/plugins"
	"github.com/webmail/webmail/plugins/attachmentreminder"
	_ "github.com/webmail/webmail/plugins/disclaimer"
	"github.com/webmail/webmail/store"
)

// tableDomains lists the domain table for the plugins.
type tableDomains struct{ db *store.DB }

func (d tableDomains) DomainNames(ctx context.Context) ([]string, error) {
	domains, err := d.db.Domains(ctx)
	var names []string
	for _, dom := range domains {
		names = append(names, dom.Name)
	}
	return names, err
}

// TestShippedSendPluginsThroughPostfix: attachment-reminder stops a send
// that mentions an attachment and has none, once; disclaimer appends the
// sender's domain's footer (the domain is in the domain table) to the
// text and HTML parts that reach the recipient.
func TestShippedSendPluginsThroughPostfix(t *testing.T) {
	s := newSendApp(t, nil, "")
	ctx := context.Background()
	sess, u, email, _ := s.user(t, 0)
	_, domain, _ := strings.Cut(email, "@")
	if err := s.DB.SaveDomain(ctx, store.Domain{Name: domain, IMAP: "imap://" + s.env.IMAPAddr}); err != nil {
		t.Fatal(err)
	}
	domainKey := strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(domain))
	host, err := plugins.Load(plugins.Options{Names: []string{"attachment-reminder", "disclaimer"}, Domains: tableDomains{s.DB},
		Vars: map[string]string{
			"WEBMAIL_PLUGIN_DISCLAIMER_TEXT":              "generic footer",
			"WEBMAIL_PLUGIN_DISCLAIMER_TEXT_" + domainKey: "Footer of <" + domain + "> & co",
			"WEBMAIL_PLUGIN_ATTACHMENT_REMINDER_WORDS":    "beiliegend",
		}})
	if err != nil {
		t.Fatal(err)
	}
	s.Plugins = host
	rcpt, rcptPassword := s.env.AddUser(t)
	c := s.compose(t, u, store.Compose{To: rcpt, Subject: "Bericht", BodyText: "Anbei der Bericht.",
		BodyHTML: "<p>Anbei der Bericht.</p>", Format: store.FormatHTML})

	_, err = s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID})
	wantCode(t, "a mentioned attachment missing", err, CodeInvalid, attachmentreminder.Message)
	res, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID, SendAnyway: true})
	if err != nil || res.State != SendSent {
		t.Fatalf("send anyway: %+v, %v", res, err)
	}
	s.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	raws, _ := mailboxMessages(t, s.env.IMAPClient(t, rcpt, rcptPassword), "INBOX")
	// Both parts are quoted-printable; the headers decode as they are.
	decoded, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raws[0])))
	if err != nil {
		t.Fatal(err)
	}
	raw := string(bytes.ReplaceAll(decoded, []byte("\r\n"), []byte("\n")))
	for _, want := range []string{
		"Anbei der Bericht.\n\nFooter of <" + domain + "> & co", // the text part
		`<p class="disclaimer">Footer of &lt;` + domain + `&gt; &amp; co</p>`,
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("the delivered message lacks %q:\n%s", want, raw)
		}
	}
	if strings.Contains(raw, "generic footer") {
		t.Errorf("the generic footer was used for a domain with its own:\n%s", raw)
	}
}
