package webmailcmd

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"sync/atomic"

	"github.com/redis/go-redis/v9"

	application "github.com/webmail/webmail/app"
	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/config"
	"github.com/webmail/webmail/handlers"
	"github.com/webmail/webmail/internal/metrics"
	"github.com/webmail/webmail/jobs"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/plugins"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// app is one wired instance: config -> constructors -> routes -> server.
type app struct {
	cfg         config.Config
	logger      *slog.Logger
	owner       string // this instance in logs, metrics and the job lease
	db          *store.DB
	sessions    *session.Manager
	sqlStore    *session.SQL // non-nil when sessions live in SQL, for cleanup
	redis       redis.UniversalClient
	router      *mail.Router
	attachments attachments.Store
	pool        *mail.Pool
	core        *application.App // the application layer: use cases, the outbox worker
	server      *handlers.Server
	http        *http.Server
	metrics     *metrics.Registry // nil with WEBMAIL_METRICS_LISTEN=off
	runner      *jobs.Runner
	plugins     *plugins.Host                  // the enabled plugins (WEBMAIL_PLUGINS)
	proxies     atomic.Pointer[[]netip.Prefix] // trusted proxies for the PROXY protocol (reloadable)
	hangups     chan os.Signal                 // SIGHUP, caught from newApp until the process exits (catchHangups)
}

// newApp builds every component, each constructor on what the ones
// before it built (constructors.go). It refuses a database that needs
// `webmail migrate`.
func newApp(ctx context.Context, cfg config.Config, logger *slog.Logger) (*app, error) {
	// First of all: a SIGHUP sent while the stores are opened must not
	// end the process; it is applied once the reload watcher runs.
	hangups := catchHangups()
	a := &app{cfg: cfg, logger: logger, owner: instanceName(cfg), hangups: hangups}
	a.proxies.Store(&cfg.TrustedProxies)
	if cfg.MetricsListen != "off" {
		a.metrics = metrics.New(a.owner)
	}
	steps := []func(context.Context) error{
		a.openRouter,
		a.openDatabase,
		a.loadPlugins,
		a.openSessions,
		a.openAttachments,
		a.openMailPool,
		a.newApplication,
		a.newServer,
		a.newJobs,
		a.newHTTPServer,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			a.close()
			return nil, err
		}
	}
	return a, nil
}

func (a *app) close() {
	if a.pool != nil {
		a.pool.Close()
	}
	if a.redis != nil {
		a.redis.Close()
	}
	if a.db != nil {
		a.db.Close()
	}
}
