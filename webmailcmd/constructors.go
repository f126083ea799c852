package webmailcmd

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"time"

	application "github.com/webmail/webmail/app"
	"github.com/webmail/webmail/app/loginlimit"
	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/config"
	"github.com/webmail/webmail/handlers"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/submit"
	"github.com/webmail/webmail/plugins"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/static"
	"github.com/webmail/webmail/store"
)

// The constructors newApp runs in order. Each builds one dependency from
// the configuration and what the ones before it built, and wraps it in
// its metrics when metrics are on.

// openRouter builds the resolver of each login's IMAP/SMTP servers.
func (a *app) openRouter(context.Context) error {
	router, err := mail.NewRouter(a.cfg.IMAP, a.cfg.SMTP)
	if err != nil {
		return fmt.Errorf("WEBMAIL_IMAP/WEBMAIL_SMTP: %w", err)
	}
	a.router = router
	return nil
}

// openDatabase opens the primary and replica pools, checks the schema is
// current, and loads the domain routes into the router.
func (a *app) openDatabase(ctx context.Context) error {
	db, err := openDBLogged(a.cfg, a.logger)
	if err != nil {
		return err
	}
	a.db = db
	if err := a.db.CheckSchema(ctx); err != nil {
		return err
	}
	if a.metrics != nil {
		a.metrics.WatchDB(a.db)
	}
	if err := a.loadDomains(ctx); err != nil {
		a.logger.Warn("domain routes: cannot read the table; using the templates until it answers", "err", err)
	}
	return nil
}

// openSessions connects to Redis if configured and builds the session
// manager over the store WEBMAIL_SESSION_STORE names.
func (a *app) openSessions(context.Context) error {
	sealer, err := session.NewSealer(a.cfg.Secret, a.cfg.PreviousSecrets...)
	if err != nil {
		return err
	}
	if a.cfg.HasRedis() {
		if a.redis, err = session.NewRedisClient(redisConfig(a.cfg)); err != nil {
			return err
		}
	}
	var sessionStore session.Store
	switch a.cfg.SessionStore {
	case "redis":
		sessionStore = session.NewRedis(a.redis, "webmail:")
	case "memory":
		a.logger.Warn("sessions are kept in memory: they are lost on restart and not shared with other instances")
		sessionStore = session.NewMemory()
	default:
		a.sqlStore = session.NewSQL(a.db)
		sessionStore = a.sqlStore
	}
	if a.metrics != nil {
		sessionStore = a.metrics.SessionStore(sessionStore)
	}
	a.sessions = session.NewManager(sessionStore, sealer, a.cfg.SessionIdle, a.cfg.SessionMax)
	a.sessions.SetLogger(a.logger)
	return nil
}

// openAttachments opens the attachment store WEBMAIL_ATTACHMENTS names.
func (a *app) openAttachments(ctx context.Context) error {
	store, err := attachments.Open(ctx, a.cfg.Attachments, attachments.Config{
		Settings: a.cfg.AttachmentSettings,
		DataDir:  a.cfg.DataDir,
		DB:       a.db.Write(),
		Dialect:  string(a.db.Dialect()),
		Plugins:  a.cfg.PluginSettings,
	})
	if err != nil {
		return err
	}
	if a.metrics != nil {
		store = a.metrics.AttachmentStore(store)
	}
	a.attachments = store
	return nil
}

// openMailPool builds the per-instance IMAP connection pool.
func (a *app) openMailPool(context.Context) error {
	a.pool = mail.NewPool(mail.PoolOptions{MaxPerUser: a.cfg.IMAPMaxPerUser, IdleTimeout: a.cfg.IMAPIdleTimeout, MaxAge: a.cfg.IMAPMaxAge,
		ListCacheBytes: listCacheShare(a.cfg.ListCacheBytes), LineCacheBytes: listCacheShare(a.cfg.ListCacheBytes)})
	if a.metrics != nil {
		a.metrics.WatchPool(a.pool)
	}
	return nil
}

// newApplication builds the application layer over everything opened
// before: the use cases the handlers call, and the outbox worker and
// cleanup job that serve runs.
func (a *app) newApplication(context.Context) error {
	// A fixed server (no %d/%u) is also the default for code that does
	// not route per login.
	imapEndpoint, _ := mail.ParseIMAPURL(a.cfg.IMAP)
	smtpEndpoint, _ := mail.ParseSMTPURL(a.cfg.SMTP)
	var failures loginlimit.FailureCounter = a.db
	if a.redis != nil {
		failures = loginlimit.NewRedisFailures(a.redis, "webmail:")
	}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12} // ServerName: each endpoint's own
	a.core = application.New(application.Deps{
		Logger:            a.logger,
		DB:                a.db,
		Sessions:          a.sessions,
		Attachments:       a.attachments,
		IMAP:              imapEndpoint,
		IMAPOptions:       mail.DialOptions{TLSConfig: tlsConfig},
		Pool:              a.pool,
		Watcher:           mail.NewWatcher(mail.WatcherOptions{Logger: a.logger}),
		Router:            a.router,
		MaxMessageBytes:   a.cfg.MaxMessageBytes,
		PageSize:          a.cfg.PageSize,
		MessageCacheBytes: a.cfg.MessageCacheBytes,
		LoginFailures:     failures,
		LoginLimits:       loginLimits(a.cfg),
		SMTP:              smtpEndpoint,
		MaxUpload:         a.cfg.MaxUpload,
		SubmitOptions:     submit.Options{TLSConfig: tlsConfig},
		SkipSentCopy:      a.cfg.SentCopy == "skip",
		ComposeTTL:        a.cfg.ComposeTTL,
		Instance:          a.owner,
		Plugins:           a.plugins,
	})
	return nil
}

// loadPlugins enables the plugins of WEBMAIL_PLUGINS with their settings;
// every problem of every plugin is reported at once.
func (a *app) loadPlugins(context.Context) error {
	host, err := plugins.Load(plugins.Options{Names: a.cfg.Plugins, Vars: a.cfg.PluginSettings,
		Logger: a.logger, Instance: a.owner, Domains: domainNames{a.db}})
	if err != nil {
		return err
	}
	a.plugins = host
	if a.metrics != nil {
		a.metrics.WatchPlugins(host)
	}
	return nil
}

// domainNames lists the domain table for plugins.
type domainNames struct{ db *store.DB }

func (d domainNames) DomainNames(ctx context.Context) ([]string, error) {
	domains, err := d.db.Domains(ctx)
	names := make([]string, 0, len(domains))
	for _, dom := range domains {
		names = append(names, dom.Name)
	}
	return names, err
}

// newServer builds the HTTP layer over everything opened before.
func (a *app) newServer(context.Context) error {
	assets, err := static.New()
	if err != nil {
		return err
	}
	a.server = handlers.NewServer(a.handlerDeps(assets))
	if a.metrics != nil {
		a.metrics.WatchDependencies(a.core.DependencyStates)
	}
	return nil
}

// handlerDeps is what the HTTP layer is given: the application, and
// what only HTTP needs.
func (a *app) handlerDeps(assets *static.Assets) handlers.Deps {
	deps := handlers.Deps{
		App:            a.core,
		Logger:         a.logger,
		Assets:         assets,
		TrustedProxies: a.cfg.TrustedProxies,
		MaxFormBytes:   a.cfg.MaxFormBytes,
		StickyWindow:   a.cfg.DBSticky,
		Plugins:        a.plugins.RouteHandlers(),
	}
	if a.metrics != nil {
		deps.Metrics = a.metrics.HTTP()
	}
	return deps
}

// newJobs builds the cluster job runner (jobs.go).
func (a *app) newJobs(context.Context) error {
	a.runner = a.newRunner()
	if a.metrics != nil {
		a.metrics.WatchJobs(a.runner)
	}
	return nil
}

// newHTTPServer builds the server of the routes, with its timeouts.
func (a *app) newHTTPServer(context.Context) error {
	a.http = &http.Server{
		Handler:           a.server.CloseConnectionsWhileDraining(a.server.Routes()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads are slow on bad links
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn),
	}
	return nil
}

func openDB(cfg config.Config) (*store.DB, error) {
	return openDBLogged(cfg, nil)
}

func openDBLogged(cfg config.Config, logger *slog.Logger) (*store.DB, error) {
	return store.Open(store.Options{
		WriteDSN:      cfg.DBWrite,
		ReadDSNs:      cfg.DBRead,
		SQLitePath:    filepath.Join(cfg.DataDir, "webmail.db"),
		MaxReplicaLag: cfg.DBMaxLag,
		Logger:        logger,
	})
}

// instanceName is WEBMAIL_INSTANCE, or host-pid; a random suffix keeps two
// processes given the same name from sharing the job lease.
func instanceName(cfg config.Config) string {
	name := cfg.Instance
	if name == "" {
		host, _ := os.Hostname()
		name = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	var b [3]byte
	rand.Read(b[:])
	return name + "/" + hex.EncodeToString(b[:])
}

func loginLimits(cfg config.Config) loginlimit.Limits {
	return loginlimit.Limits{PerUser: cfg.LoginLimitUser, PerIP: cfg.LoginLimitIP,
		SlowAfter: cfg.LoginLimitSlow, MaxDelay: cfg.LoginMaxDelay, Window: cfg.LoginLimitWindow}
}

func redisConfig(cfg config.Config) session.RedisConfig {
	return session.RedisConfig{URL: cfg.Redis, Sentinels: cfg.RedisSentinels, MasterName: cfg.RedisMaster,
		Cluster: cfg.RedisCluster, Password: cfg.RedisPassword}
}

// listCacheShare is the half of WEBMAIL_LIST_CACHE each of the pool's
// two list caches gets (a folder's sorted order and its page of lines
// weigh about the same: 5,000 UIDs at 4 bytes, 50 lines at ~400), in the
// pool's terms: negative for off, at most what an int holds.
func listCacheShare(total int64) int {
	if total <= 0 {
		return -1
	}
	return int(min(max(total/2, 1), math.MaxInt))
}
