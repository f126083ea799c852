package webmailcmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/webmail/webmail/internal/metrics"
	"github.com/webmail/webmail/internal/proxyproto"
	"github.com/webmail/webmail/store"
)

// shutdownTimeout bounds how long requests still running after the drain
// period may take before their connections are cut. deploy/webmail.service
// gives systemd a TimeoutStopSec above WEBMAIL_DRAIN plus this.
const shutdownTimeout = 30 * time.Second

// dependencyWatchInterval is how often the shared dependencies are checked
// for the log, /status and metrics (webmail_dependency_up).
const dependencyWatchInterval = 2 * time.Second

// serve listens until SIGINT/SIGTERM, then drains and shuts down
// gracefully:
//
//  1. /readyz answers 503 at once, so the load balancer takes the instance
//     out of rotation, and the cluster job runner stops, releasing its
//     lease so another instance takes over, as does the outbox worker
//     (no new claims; sends under way finish); requests keep being served
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
		ln = proxyproto.NewListener(ln, func() []netip.Prefix { return *a.proxies.Load() })
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
	stopJobs func() // stops the cluster job runner (which releases its lease) and the outbox worker
	stop     func() // stops everything and waits until it has; idempotent
}

// startBackground starts what runs beside the HTTP server until ctx ends
// or the returned stop funcs are called: the replica checks, the cluster
// job runner, the domain table watcher, SIGHUP reloads and the metrics
// listener.
func (a *app) startBackground(ctx context.Context) (*background, error) {
	var metricsLn net.Listener
	var err error
	if a.metrics != nil {
		if metricsLn, err = net.Listen("tcp", a.cfg.MetricsListen); err != nil {
			return nil, fmt.Errorf("WEBMAIL_METRICS_LISTEN: %w", err)
		}
		a.logger.Info("metrics listener", "addr", metricsLn.Addr().String())
	}
	var routingLn net.Listener
	if a.cfg.RoutingListen != "" {
		if routingLn, err = net.Listen("tcp", a.cfg.RoutingListen); err != nil {
			if metricsLn != nil {
				metricsLn.Close()
			}
			return nil, fmt.Errorf("WEBMAIL_ROUTING_LISTEN: %w", err)
		}
		a.logger.Info("routing listener (nginx auth_http, Postfix socketmap)", "addr", routingLn.Addr().String(),
			"check_passwords", a.cfg.RoutingCheckFirst)
	}
	var adminLn net.Listener
	if a.cfg.AdminListen != "" {
		if adminLn, err = net.Listen("tcp", a.cfg.AdminListen); err != nil {
			for _, ln := range []net.Listener{metricsLn, routingLn} {
				if ln != nil {
					ln.Close()
				}
			}
			return nil, fmt.Errorf("WEBMAIL_ADMIN_LISTEN: %w", err)
		}
		a.logger.Info("provisioning API listener", "addr", adminLn.Addr().String())
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
		// The outbox worker runs on every instance (per-message leases);
		// it stops with the jobs at the start of the drain, letting the
		// sends under way finish.
		func() { a.core.RunOutbox(jobsCtx) },
		func() { a.watchDomains(ctx, domainsReload) },
		// Shared outages keep the instance in rotation (/readyz); this
		// reports them to the log, /status and metrics.
		func() { a.core.WatchDependencies(ctx, dependencyWatchInterval) },
		func() { a.watchReload(ctx, domainsReload) },
		func() {
			if adminLn != nil {
				a.serveAdmin(ctx, adminLn)
			}
		},
		func() {
			if routingLn != nil {
				a.serveRouting(ctx, routingLn)
			}
		},
		func() {
			if metricsLn != nil {
				metrics.Serve(ctx, metricsLn, a.metrics.Handler(), metrics.StatusHandler(a.owner, a.core.DependencyStates), a.logger)
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
