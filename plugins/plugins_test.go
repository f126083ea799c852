package plugins_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/plugins"
)

// Plugins of these tests, registered once like real ones.
func init() {
	plugins.Register("test-panics", func(*plugins.Config) (any, error) { return panicker{}, nil })
	plugins.Register("test-slow", func(*plugins.Config) (any, error) { return slow{}, nil })
	plugins.Register("test-vetoes", func(cfg *plugins.Config) (any, error) {
		return vetoer{user: cfg.Required("user", "bob@example.test")}, nil
	})
	plugins.Register("test-footer", func(cfg *plugins.Config) (any, error) {
		return footer{text: cfg.String("text", "-- sent with webmail"), enabled: cfg.Bool("enabled", true)}, nil
	})
	plugins.Register("test-footer-html", func(cfg *plugins.Config) (any, error) { return footer{}, nil })
	plugins.Register("test-bad-jobs", func(*plugins.Config) (any, error) { return badJobs{}, nil })
}

type badJobs struct{}

func (badJobs) Jobs() []plugins.Job {
	return []plugins.Job{{Name: "No Good", Every: time.Minute, Run: func(context.Context) error { return nil }}, {Name: "never"}}
}

type panicker struct{}

func (panicker) AfterLogin(context.Context, plugins.Login) error { panic("boom in AfterLogin") }
func (panicker) BeforeSend(_ context.Context, msg *plugins.Outgoing) error {
	msg.Text = "half-changed"
	msg.To = append(msg.To, "attacker@example.test")
	panic("boom in BeforeSend")
}
func (panicker) MessageBanner(context.Context, plugins.Message) ([]plugins.Banner, error) {
	panic("boom in MessageBanner")
}

type slow struct{}

func (slow) AfterLogin(ctx context.Context, _ plugins.Login) error {
	time.Sleep(time.Hour) // ignores ctx on purpose: the host must not wait
	return nil
}

type vetoer struct{ user string }

func (v vetoer) AfterLogin(_ context.Context, l plugins.Login) error {
	if l.User == v.user {
		return &plugins.Veto{Message: "Your account is suspended."}
	}
	return nil
}

type footer struct {
	text    string
	enabled bool
}

func (f footer) BeforeSend(_ context.Context, msg *plugins.Outgoing) error {
	msg.Text += "\n" + f.text
	msg.To = append(msg.To, "ignored@example.test")
	msg.Headers = append(msg.Headers, plugins.Header{Name: "X-Footer", Value: "yes"})
	return nil
}

func (f footer) MessageBanner(_ context.Context, m plugins.Message) ([]plugins.Banner, error) {
	return []plugins.Banner{{Text: "<b>from " + m.Subject + "</b>"}}, nil
}

func load(t *testing.T, names []string, vars map[string]string) *plugins.Host {
	t.Helper()
	h, err := plugins.Load(plugins.Options{Names: names, Vars: vars})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	h.SetTimeout(200 * time.Millisecond)
	return h
}

func TestPanickingAndSlowHooksAreSurvived(t *testing.T) {
	h := load(t, []string{"test-panics", "test-slow", "test-vetoes", "test-footer"},
		map[string]string{"WEBMAIL_PLUGIN_TEST_VETOES_USER": "bob@example.test"})
	ctx := context.Background()

	if err := h.AfterLogin(ctx, plugins.Login{User: "alice@example.test"}); err != nil {
		t.Fatalf("AfterLogin after a panic and a timeout = %v, want nil (the login goes on)", err)
	}
	err := h.AfterLogin(ctx, plugins.Login{User: "bob@example.test"})
	var veto *plugins.Veto
	if !errors.As(err, &veto) || veto.Message != "Your account is suspended." {
		t.Fatalf("AfterLogin for the vetoed user = %v, want the veto", err)
	}

	msg := &plugins.Outgoing{To: []string{"carol@example.test"}, Text: "hello"}
	if err := h.BeforeSend(ctx, msg); err != nil {
		t.Fatalf("BeforeSend: %v", err)
	}
	if msg.Text != "hello\n-- sent with webmail" {
		t.Errorf("text after the hooks = %q: the panicking hook's change must be dropped, the footer kept", msg.Text)
	}
	if len(msg.To) != 1 || len(msg.Headers) != 1 || msg.Headers[0].Name != "X-Footer" {
		t.Errorf("after the hooks To = %v, Headers = %v: recipients may not change, headers may be added", msg.To, msg.Headers)
	}

	banners := h.MessageBanners(ctx, plugins.Message{Subject: "x"})
	if len(banners) != 1 || banners[0].Plugin != "test-footer" || banners[0].Text != "<b>from x</b>" {
		t.Errorf("banners = %+v, want only test-footer's (text as given: the page escapes it)", banners)
	}

	want := map[plugins.FailureKey]int64{
		{Plugin: "test-panics", Hook: "after_login"}:    2,
		{Plugin: "test-slow", Hook: "after_login"}:      2,
		{Plugin: "test-panics", Hook: "before_send"}:    1,
		{Plugin: "test-panics", Hook: "message_banner"}: 1,
	}
	got := h.Failures()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("failures of %v = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	_, err := plugins.Load(plugins.Options{Names: []string{"no-such", "test-vetoes", "test-footer", "test-footer", "test-bad-jobs"}, Vars: map[string]string{
		"WEBMAIL_PLUGIN_TEST_FOOTER_ENABLED": "maybe",
		"WEBMAIL_PLUGIN_TEST_FOOTER_TXET":    "typo",
		"WEBMAIL_PLUGIN_NOBODY_X":            "1",
	}})
	if err == nil {
		t.Fatal("Load succeeded")
	}
	for _, want := range []string{
		`no plugin "no-such" is compiled in`,
		"WEBMAIL_PLUGIN_TEST_VETOES_USER is not set",
		`WEBMAIL_PLUGIN_TEST_FOOTER_ENABLED: "maybe" is not true or false`,
		"WEBMAIL_PLUGIN_TEST_FOOTER_TXET is not a setting of plugin test-footer",
		`"test-footer" is listed twice`,
		"WEBMAIL_PLUGIN_NOBODY_X: no plugin compiled in has this setting",
		`plugin test-bad-jobs: job "No Good" needs a unique name`,
		`plugin test-bad-jobs: job "never" needs a positive Every and a Run function`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Load error lacks %q:\n%v", want, err)
		}
	}
}

func TestSettingsOfLongerNameWins(t *testing.T) {
	vars := map[string]string{"WEBMAIL_PLUGIN_TEST_FOOTER_HTML_X": "1", "WEBMAIL_PLUGIN_TEST_FOOTER_TEXT": "t"}
	if got := plugins.SettingsOf("test-footer", vars); len(got) != 1 || got["text"] != "t" {
		t.Errorf("SettingsOf(test-footer) = %v, want only text", got)
	}
	if got := plugins.SettingsOf("test-footer-html", vars); len(got) != 1 || got["x"] != "1" {
		t.Errorf("SettingsOf(test-footer-html) = %v, want only x", got)
	}
}

func TestRegisterPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"duplicate": func() { plugins.Register("test-panics", func(*plugins.Config) (any, error) { return nil, nil }) },
		"bad name":  func() { plugins.Register("Bad_Name", func(*plugins.Config) (any, error) { return nil, nil }) },
		"nil":       func() { plugins.Register("test-nil", nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register with a %s did not panic", name)
				}
			}()
			f()
		}()
	}
}
