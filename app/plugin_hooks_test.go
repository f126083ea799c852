package app

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webmail/webmail/plugins"
	"github.com/webmail/webmail/store"
)

// Plugins of the hook tests, registered like real ones.
func init() {
	plugins.Register("app-test-panics", func(*plugins.Config) (any, error) { return panickingPlugin{}, nil })
	plugins.Register("app-test-suspend", func(cfg *plugins.Config) (any, error) {
		return suspendPlugin{user: cfg.Required("user", "bob@example.test")}, nil
	})
	plugins.Register("app-test-footer", func(*plugins.Config) (any, error) { return footerPlugin{}, nil })
	plugins.Register("app-test-warn", func(*plugins.Config) (any, error) { return warnPlugin{}, nil })
}

type panickingPlugin struct{}

func (panickingPlugin) AfterLogin(context.Context, plugins.Login) error { panic("login hook bug") }
func (panickingPlugin) BeforeSend(_ context.Context, m *plugins.Outgoing) error {
	m.Text = "replaced"
	panic("send hook bug")
}
func (panickingPlugin) MessageBanner(context.Context, plugins.Message) ([]plugins.Banner, error) {
	panic("banner hook bug")
}

type suspendPlugin struct{ user string }

func (p suspendPlugin) AfterLogin(_ context.Context, l plugins.Login) error {
	if strings.EqualFold(l.User, p.user) {
		return &plugins.Veto{Message: "This account is suspended."}
	}
	return nil
}

type footerPlugin struct{}

func (footerPlugin) BeforeSend(_ context.Context, m *plugins.Outgoing) error {
	m.Text += "\n-- \nfooter of the test plugin\n"
	m.Headers = append(m.Headers, plugins.Header{Name: "X-Test-Plugin", Value: "footer"}, plugins.Header{Name: "Bcc", Value: "spy@example.test"})
	return nil
}

func (footerPlugin) MessageBanner(_ context.Context, m plugins.Message) ([]plugins.Banner, error) {
	return []plugins.Banner{{Text: "banner for " + m.Subject}}, nil
}

type warnPlugin struct{}

func (warnPlugin) BeforeSend(_ context.Context, m *plugins.Outgoing) error {
	if !m.SendAnyway {
		return &plugins.Veto{Message: "Really send?", Confirmable: true}
	}
	return nil
}

func pluginHost(t *testing.T, names []string, vars map[string]string) *plugins.Host {
	t.Helper()
	h, err := plugins.Load(plugins.Options{Names: names, Vars: vars})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestLoginPluginsOnDovecot: a panicking AfterLogin hook does not stop
// anyone signing in (it is counted), and a veto refuses with its message.
func TestLoginPluginsOnDovecot(t *testing.T) {
	d := newDovecotApp(t)
	suspended, suspendedPassword := d.env.AddUser(t)
	email, password := d.env.AddUser(t)
	host := pluginHost(t, []string{"app-test-panics", "app-test-suspend"},
		map[string]string{"WEBMAIL_PLUGIN_APP_TEST_SUSPEND_USER": suspended})
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(t.TempDir(), "webmail.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	deps := d.Deps
	deps.DB, deps.Plugins = db, host
	a := New(deps)
	ctx := context.Background()

	res, err := a.LogIn(ctx, LoginInput{Username: email, Password: password, ClientIP: "192.0.2.9"})
	if err != nil || res.Session == nil {
		t.Fatalf("login with a panicking plugin: %v, want a session", err)
	}
	_, err = a.LogIn(ctx, LoginInput{Username: suspended, Password: suspendedPassword, ClientIP: "192.0.2.9"})
	wantCode(t, "vetoed login", err, CodeInvalid, "This account is suspended.")
	if n := host.Failures()[plugins.FailureKey{Plugin: "app-test-panics", Hook: "after_login"}]; n != 2 {
		t.Errorf("after_login failures of the panicking plugin = %d, want 2", n)
	}
}

// TestSendPluginsThroughPostfix: a confirmable veto stops the first press
// and lets the confirmed one through; the footer and the X- header a hook
// adds reach the recipient; the header outside X- and the panicking hook's
// change do not.
func TestSendPluginsThroughPostfix(t *testing.T) {
	s := newSendApp(t, nil, "")
	host := pluginHost(t, []string{"app-test-panics", "app-test-warn", "app-test-footer"}, nil)
	s.Plugins = host
	ctx := context.Background()
	sess, u, _, _ := s.user(t, 0)
	rcpt, rcptPassword := s.env.AddUser(t)
	c := s.compose(t, u, store.Compose{To: rcpt, Subject: "plugins", BodyText: "the body\n"})

	_, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID})
	wantCode(t, "first press", err, CodeInvalid, "Really send?")
	res, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID, SendAnyway: true})
	if err != nil || res.State != SendSent {
		t.Fatalf("confirmed send: %+v, %v", res, err)
	}
	s.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	raws, _ := mailboxMessages(t, s.env.IMAPClient(t, rcpt, rcptPassword), "INBOX")
	raw := string(bytes.ReplaceAll(raws[0], []byte("\r\n"), []byte("\n")))
	for _, want := range []string{"the body\n", "footer of the test plugin", "X-Test-Plugin: footer"} {
		if !strings.Contains(raw, want) {
			t.Errorf("the delivered message lacks %q:\n%s", want, raw)
		}
	}
	for _, unwanted := range []string{"spy@example.test", "replaced"} {
		if strings.Contains(raw, unwanted) {
			t.Errorf("the delivered message has %q:\n%s", unwanted, raw)
		}
	}
	if n := host.Failures()[plugins.FailureKey{Plugin: "app-test-panics", Hook: "before_send"}]; n != 2 {
		t.Errorf("before_send failures of the panicking plugin = %d, want 2", n)
	}
}
