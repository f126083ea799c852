package main

import (
	"context"
	"net"

	"github.com/webmail/webmail/routing"
)

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
