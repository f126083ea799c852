package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/app/loginlimit"
	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/config"
	"github.com/webmail/webmail/handlers"
	"github.com/webmail/webmail/jobs"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/static"
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
	server      *handlers.Server
	http        *http.Server
	metrics     *metrics // nil with WEBMAIL_METRICS_LISTEN=off
	runner      *jobs.Runner
	proxies     atomic.Pointer[[]netip.Prefix] // trusted proxies for the PROXY protocol (reloadable)
	hangups     chan os.Signal                 // SIGHUP, caught from newApp until the process exits (catchHangups)
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
	return loginlimit.Limits{PerUser: cfg.LoginLimitUser, PerIP: cfg.LoginLimitIP, Window: cfg.LoginLimitWindow}
}

func redisConfig(cfg config.Config) session.RedisConfig {
	return session.RedisConfig{URL: cfg.Redis, Sentinels: cfg.RedisSentinels, MasterName: cfg.RedisMaster,
		Cluster: cfg.RedisCluster, Password: cfg.RedisPassword}
}

// newApp builds every component. checkSchema makes it refuse a database
// that needs `webmail migrate`.
func newApp(ctx context.Context, cfg config.Config, logger *slog.Logger) (*app, error) {
	// First of all: a SIGHUP sent while the stores are opened must not
	// end the process; it is applied once the reload watcher runs.
	hangups := catchHangups()
	router, err := mail.NewRouter(cfg.IMAP, cfg.SMTP)
	if err != nil {
		return nil, fmt.Errorf("WEBMAIL_IMAP/WEBMAIL_SMTP: %w", err)
	}
	// A fixed server (no %d/%u) is also the default for code that does
	// not route per login.
	imapEndpoint, _ := mail.ParseIMAPURL(cfg.IMAP)
	a := &app{cfg: cfg, logger: logger, owner: instanceName(cfg), router: router, hangups: hangups}
	a.proxies.Store(&cfg.TrustedProxies)
	ok := false
	defer func() {
		if !ok {
			a.close()
		}
	}()
	if cfg.MetricsListen != "off" {
		a.metrics = newMetrics(a.owner)
	}
	if a.db, err = openDBLogged(cfg, logger); err != nil {
		return nil, err
	}
	if err := a.db.CheckSchema(ctx); err != nil {
		return nil, err
	}
	if err := a.loadDomains(ctx); err != nil {
		logger.Warn("domain routes: cannot read the table; using the templates until it answers", "err", err)
	}
	sealer, err := session.NewSealer(cfg.Secret, cfg.PreviousSecrets...)
	if err != nil {
		return nil, err
	}
	if cfg.HasRedis() {
		if a.redis, err = session.NewRedisClient(redisConfig(cfg)); err != nil {
			return nil, err
		}
	}
	var sessionStore session.Store
	switch cfg.SessionStore {
	case "redis":
		sessionStore = session.NewRedis(a.redis, "webmail:")
	case "memory":
		logger.Warn("sessions are kept in memory: they are lost on restart and not shared with other instances")
		sessionStore = session.NewMemory()
	default:
		a.sqlStore = session.NewSQL(a.db)
		sessionStore = a.sqlStore
	}
	if a.metrics != nil {
		sessionStore = a.metrics.sessionStore(sessionStore)
	}
	a.sessions = session.NewManager(sessionStore, sealer, cfg.SessionIdle, cfg.SessionMax)
	a.sessions.SetLogger(logger)

	attStore, err := attachments.Open(ctx, cfg.Attachments, attachments.Config{
		Settings: cfg.AttachmentSettings,
		DataDir:  cfg.DataDir,
		DB:       a.db.Write(),
		Dialect:  string(a.db.Dialect()),
	})
	if err != nil {
		return nil, err
	}
	if a.metrics != nil {
		attStore = a.metrics.attachmentStore(attStore)
	}
	a.attachments = attStore
	assets, err := static.New()
	if err != nil {
		return nil, err
	}
	a.pool = mail.NewPool(mail.PoolOptions{MaxPerUser: cfg.IMAPMaxPerUser, IdleTimeout: cfg.IMAPIdleTimeout})
	var failures loginlimit.FailureCounter = a.db
	if a.redis != nil {
		failures = loginlimit.NewRedisFailures(a.redis, "webmail:")
	}
	deps := handlers.Deps{
		Logger:          logger,
		DB:              a.db,
		Sessions:        a.sessions,
		Attachments:     attStore,
		Assets:          assets,
		IMAP:            imapEndpoint,
		IMAPOptions:     mail.DialOptions{TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}}, // ServerName: each endpoint's own
		Pool:            a.pool,
		Watcher:         mail.NewWatcher(mail.WatcherOptions{Logger: logger}),
		TrustedProxies:  cfg.TrustedProxies,
		PageSize:        cfg.PageSize,
		MaxMessageBytes: cfg.MaxMessageBytes,
		Router:          router,
		LoginFailures:   failures,
		LoginLimits:     loginLimits(cfg),
		StickyWindow:    cfg.DBSticky,
	}
	if a.metrics != nil {
		deps.Metrics = a.metrics.http
		if cfg.MetricsListen == "" {
			deps.MetricsHandler = a.metrics.handler()
		}
	}
	a.server = handlers.NewServer(deps)
	a.runner = a.newRunner()
	if a.metrics != nil {
		a.metrics.watchDB(a.db)
		a.metrics.watchPool(a.pool)
		a.metrics.watchJobs(a.runner)
	}
	a.http = &http.Server{
		Handler:           a.server.CloseConnectionsWhileDraining(a.server.Routes()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads are slow on bad links
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ok = true
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

// shutdownTimeout bounds how long requests still running after the drain
// period may take before their connections are cut. deploy/webmail.service
// gives systemd a TimeoutStopSec above WEBMAIL_DRAIN plus this.
const shutdownTimeout = 30 * time.Second

// serve listens until SIGINT/SIGTERM, then drains and shuts down
// gracefully:
//
//  1. /readyz answers 503 at once, so the load balancer takes the instance
//     out of rotation, and the cluster job runner stops, releasing its
//     lease so another instance takes over; requests keep being served
//     (in-flight and new ones, each response now closing its connection)
//     for cfg.Drain;
//  2. long-lived streams are told to end (handlers.Server.Draining), so
//     browsers reconnect to another instance;
//  3. the listener closes and the requests still running get up to
//     shutdownTimeout to finish;
//  4. the other background work (replica checks, domain routes, reloads,
//     metrics) stops: until then the requests still served need it.
//
// A second SIGINT/SIGTERM during the drain ends the process at once; a
// SIGHUP never does. A requested stop returns nil: the process exits 0.
func (a *app) serve(ctx context.Context, ln net.Listener) error {
	signalled, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if a.cfg.ProxyProtocol {
		ln = newProxyListener(ln, func() []netip.Prefix { return *a.proxies.Load() })
	}
	bg, err := a.startBackground(ctx)
	if err != nil {
		return err
	}
	defer bg.stop()
	errc := make(chan error, 1)
	go func() { errc <- a.http.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-signalled.Done():
	}
	stop() // from here on a second signal has its default effect
	a.logger.Info("draining: /readyz answers 503", "drain", a.cfg.Drain)
	a.server.Drain()
	bg.stopJobs()
	select {
	case <-time.After(a.cfg.Drain):
	case err := <-errc:
		return err
	}
	a.server.EndStreams()
	a.logger.Info("shutting down: waiting for running requests", "timeout", shutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := a.http.Shutdown(shutdownCtx); err != nil {
		a.logger.Warn("shutdown timed out: cutting the connections still open", "err", err)
		a.http.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	bg.stop()
	a.logger.Info("stopped")
	return nil
}

// background is what runs beside the HTTP server.
type background struct {
	stopJobs func() // stops the cluster job runner, which releases its lease
	stop     func() // stops everything and waits until it has; idempotent
}

// startBackground starts what runs beside the HTTP server until ctx ends
// or the returned stop funcs are called: the replica checks, the cluster
// job runner, the domain table watcher, SIGHUP reloads and the metrics
// listener.
func (a *app) startBackground(ctx context.Context) (*background, error) {
	var metricsLn net.Listener
	var err error
	if a.metrics != nil && a.cfg.MetricsListen != "" {
		if metricsLn, err = net.Listen("tcp", a.cfg.MetricsListen); err != nil {
			return nil, fmt.Errorf("WEBMAIL_METRICS_LISTEN: %w", err)
		}
		a.logger.Info("metrics listener", "addr", metricsLn.Addr().String())
	}
	ctx, cancel := context.WithCancel(ctx)
	jobsCtx, cancelJobs := context.WithCancel(ctx)
	// Replicas are checked before the first request, so none is used
	// before its lag is known.
	a.db.CheckReplicas(ctx)
	domainsReload := make(chan struct{}, 1)
	var wg sync.WaitGroup
	for _, run := range []func(){
		func() { a.db.WatchReplicas(ctx, store.HeartbeatInterval) },
		func() { a.runner.Run(jobsCtx) },
		func() { a.watchDomains(ctx, domainsReload) },
		func() { a.watchReload(ctx, domainsReload) },
		func() {
			if metricsLn != nil {
				serveMetrics(ctx, metricsLn, a.metrics.handler(), a.logger)
			}
		},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run()
		}()
	}
	a.logger.Info("cluster jobs", "instance", a.owner, "lease", a.runner.LeaseName())
	return &background{
		stopJobs: cancelJobs,
		stop: func() {
			cancel()
			wg.Wait()
		},
	}, nil
}
