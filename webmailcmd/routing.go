package webmailcmd

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/webmail/webmail/adminapi"
	"github.com/webmail/webmail/routing"
)

// The private listeners of the front mail hosts and of admins.

// serveRouting answers the front mail hosts (nginx auth_http, Postfix
// socketmap) on their private listener until ctx ends. It stops with the
// background work, after the web listener: a draining instance keeps
// routing mail logins until it exits, and nginx moves to another instance
// once it stops answering.
func (a *app) serveRouting(ctx context.Context, ln net.Listener) {
	srv := routing.NewServer(a.server.App, routing.Options{
		CheckFirst:  a.cfg.RoutingCheckFirst,
		FailureWait: a.cfg.RoutingFailWait,
		Logger:      a.logger,
	})
	if err := srv.Serve(ctx, ln); err != nil {
		a.logger.Error("routing listener stopped", "err", err)
	}
}

// serveAdmin serves the provisioning API on its private listener until
// ctx ends.
func (a *app) serveAdmin(ctx context.Context, ln net.Listener) {
	srv := &http.Server{
		Handler:           adminapi.Handler(a.server.App, a.logger),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn),
	}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		a.logger.Error("provisioning API listener stopped", "err", err)
	}
}
