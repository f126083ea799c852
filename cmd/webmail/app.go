package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/config"
	"github.com/webmail/webmail/handlers"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/static"
	"github.com/webmail/webmail/store"
)

// app is one wired instance: config -> constructors -> routes -> server.
type app struct {
	cfg      config.Config
	logger   *slog.Logger
	db       *store.DB
	sessions *session.Manager
	sqlStore *session.SQL // non-nil when sessions live in SQL, for cleanup
	redis    redis.UniversalClient
	pool     *mail.Pool
	server   *handlers.Server
	http     *http.Server
}

func newLogger(cfg config.Config, w *os.File) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func openDB(cfg config.Config) (*store.DB, error) {
	return store.Open(store.Options{
		WriteDSN:   cfg.DBWrite,
		ReadDSNs:   cfg.DBRead,
		SQLitePath: filepath.Join(cfg.DataDir, "webmail.db"),
	})
}

// newApp builds every component. checkSchema makes it refuse a database
// that needs `webmail migrate`.
func newApp(ctx context.Context, cfg config.Config, logger *slog.Logger) (*app, error) {
	imapEndpoint, err := mail.ParseIMAPURL(cfg.IMAP)
	if err != nil {
		return nil, fmt.Errorf("WEBMAIL_IMAP: %w", err)
	}
	if _, err := mail.ParseSMTPURL(cfg.SMTP); err != nil {
		return nil, fmt.Errorf("WEBMAIL_SMTP: %w", err)
	}
	a := &app{cfg: cfg, logger: logger}
	ok := false
	defer func() {
		if !ok {
			a.close()
		}
	}()
	if a.db, err = openDB(cfg); err != nil {
		return nil, err
	}
	if err := a.db.CheckSchema(ctx); err != nil {
		return nil, err
	}
	sealer, err := session.NewSealer(cfg.Secret, cfg.PreviousSecrets...)
	if err != nil {
		return nil, err
	}
	var sessionStore session.Store
	switch cfg.SessionStore {
	case "redis":
		opts, err := session.RedisOptions(cfg.Redis)
		if err != nil {
			return nil, err
		}
		a.redis = redis.NewUniversalClient(opts)
		sessionStore = session.NewRedis(a.redis, "webmail:")
	case "memory":
		logger.Warn("sessions are kept in memory: they are lost on restart and not shared with other instances")
		sessionStore = session.NewMemory()
	default:
		a.sqlStore = session.NewSQL(a.db)
		sessionStore = a.sqlStore
	}
	a.sessions = session.NewManager(sessionStore, sealer, cfg.SessionIdle, cfg.SessionMax)

	attStore, err := attachments.Open(ctx, cfg.Attachments, attachments.Config{
		Settings: cfg.AttachmentSettings,
		DataDir:  cfg.DataDir,
		DB:       a.db.Write(),
		Dialect:  string(a.db.Dialect()),
	})
	if err != nil {
		return nil, err
	}
	assets, err := static.New()
	if err != nil {
		return nil, err
	}
	a.pool = mail.NewPool(mail.PoolOptions{MaxPerUser: cfg.IMAPMaxPerUser, IdleTimeout: cfg.IMAPIdleTimeout})
	a.server = handlers.NewServer(handlers.Deps{
		Logger:          logger,
		DB:              a.db,
		Sessions:        a.sessions,
		Attachments:     attStore,
		Assets:          assets,
		IMAP:            imapEndpoint,
		IMAPOptions:     mail.DialOptions{TLSConfig: &tls.Config{ServerName: imapEndpoint.ServerName(), MinVersion: tls.VersionTLS12}},
		Pool:            a.pool,
		Watcher:         mail.NewWatcher(mail.WatcherOptions{Logger: logger}),
		TrustedProxies:  cfg.TrustedProxies,
		PageSize:        cfg.PageSize,
		MaxMessageBytes: cfg.MaxMessageBytes,
	})
	a.http = &http.Server{
		Handler:           a.server.Routes(),
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

// drainPeriod is how long an instance keeps serving after SIGTERM with
// /readyz at 503, so the load balancer notices before connections close.
const drainPeriod = 3 * time.Second

// serve listens until SIGINT/SIGTERM, then drains and shuts down
// gracefully. ready, if not nil, receives the bound address.
func (a *app) serve(ctx context.Context, ln net.Listener) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go a.runJobs(ctx)
	errc := make(chan error, 1)
	go func() { errc <- a.http.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.logger.Info("shutting down: draining", "drain", drainPeriod)
	a.server.Drain()
	time.Sleep(drainPeriod)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.http.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.logger.Info("stopped")
	return nil
}

// runJobs runs the periodic housekeeping. With several instances each runs
// it; the jobs are idempotent. (A cluster-wide lease comes with the
// scale-out work.)
func (a *app) runJobs(ctx context.Context) {
	if a.sqlStore == nil {
		return
	}
	tick := time.NewTicker(5 * time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			n, err := a.sqlStore.Cleanup(ctx)
			if err != nil {
				a.logger.Warn("session cleanup failed", "err", err)
			} else if n > 0 {
				a.logger.Info("session cleanup", "deleted", n)
			}
		}
	}
}
