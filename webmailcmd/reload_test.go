package webmailcmd

import (
	"context"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	application "github.com/webmail/webmail/app"
	"github.com/webmail/webmail/config"
	"github.com/webmail/webmail/handlers"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/static"
)

// TestApplyConfig changes what SIGHUP may change and reports the rest as
// needing a restart, without applying it.
func TestApplyConfig(t *testing.T) {
	old := config.Default()
	old.IMAP, old.SMTP = "imaps://imap.%d:993", "smtps://smtp.%d"
	old.Secret = "0123456789abcdef0123456789abcdef-old"
	logFile, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	router, err := mail.NewRouter(old.IMAP, old.SMTP)
	if err != nil {
		t.Fatal(err)
	}
	core := application.New(application.Deps{LoginLimits: loginLimits(old)})
	a := &app{cfg: old, logger: newLogger(old, logFile), router: router, core: core,
		server: handlers.NewServer(handlers.Deps{App: core, Assets: assets})}
	a.proxies.Store(&old.TrustedProxies)

	next := old
	next.LogLevel = "debug"
	next.LoginLimitUser, next.LoginLimitWindow = 3, time.Minute
	next.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	next.IMAP = "imaps://mail.%d:993"
	next.DBWrite = "u:p@tcp(db:3306)/webmail"
	next.Secret = "0123456789abcdef0123456789abcdef-new"
	next.Listen = "0.0.0.0:9999"

	if a.logger.Enabled(context.Background(), slog.LevelDebug) {
		t.Fatal("debug enabled before the reload")
	}
	inForce := a.applyConfig(old, next)
	if !a.logger.Enabled(context.Background(), slog.LevelDebug) || !a.logger.With("k", "v").Enabled(context.Background(), slog.LevelDebug) {
		t.Error("log level not applied")
	}
	if l := a.core.LoginLimits(); l.PerUser != 3 || l.Window != time.Minute {
		t.Errorf("login limits %+v", l)
	}
	if got := *a.proxies.Load(); !slices.Equal(got, next.TrustedProxies) {
		t.Errorf("PROXY protocol trust %v", got)
	}
	if r, _ := a.router.Resolve("u@example.org"); r.IMAP.Host != "mail.example.org:993" {
		t.Errorf("template not applied: %v", r.IMAP)
	}
	if inForce.DBWrite != old.DBWrite || inForce.Secret != old.Secret || inForce.LogLevel != "debug" {
		t.Error("the configuration in force mixes up applied and restart-only values")
	}
	restart := needsRestart(inForce, next)
	for _, name := range []string{"WEBMAIL_DB_WRITE", "WEBMAIL_SECRET", "WEBMAIL_LISTEN"} {
		if !slices.Contains(restart, name) {
			t.Errorf("needs restart %v lacks %s", restart, name)
		}
	}
	if slices.Contains(restart, "WEBMAIL_LOG_LEVEL") || slices.Contains(restart, "WEBMAIL_IMAP") {
		t.Errorf("applied values listed as needing a restart: %v", restart)
	}
	logs, _ := os.ReadFile(logFile.Name())
	for _, secret := range []string{old.Secret, next.Secret, "u:p@"} {
		if strings.Contains(string(logs), secret) {
			t.Errorf("the reload logged a secret: %s", logs)
		}
	}
}

// TestReloadReportsWritingSettings: settings read only at start must be
// named as needing a restart on SIGHUP, never dropped silently.
func TestReloadReportsWritingSettings(t *testing.T) {
	old := config.Default()
	next := old
	next.MaxUpload *= 2
	next.SentCopy = "skip"
	next.ComposeTTL *= 2
	next.Plugins = []string{"status"}
	next.PluginSettings = map[string]string{"STATUS_ADMINS": "a@example.test"}
	restart := needsRestart(old, next)
	for _, name := range []string{"WEBMAIL_MAX_UPLOAD", "WEBMAIL_SENT_COPY", "WEBMAIL_COMPOSE_TTL", "WEBMAIL_PLUGINS", "WEBMAIL_PLUGIN_*"} {
		if !slices.Contains(restart, name) {
			t.Errorf("needs restart %v lacks %s", restart, name)
		}
	}
}
