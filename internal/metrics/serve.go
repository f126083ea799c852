package metrics

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// Serve serves GET /metrics, GET /status (status, the shared dependencies'
// latest answers), and Go's profiler under /debug/pprof/, on a
// listener of their own (WEBMAIL_METRICS_LISTEN) until ctx ends. Both stay
// off the application listener: the metrics name the Go version, host,
// PID and per-route traffic, and a profile can stall the process for
// seconds, so only those who can reach this address (by default loopback)
// get them.
func Serve(ctx context.Context, ln net.Listener, h, status http.Handler, logger *slog.Logger) {
	srv := &http.Server{Handler: Mux(h, status), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("metrics listener failed", "err", err)
	}
}

// Mux routes the metrics listener: GET /metrics to h, GET /status to
// status, /debug/pprof/ to the
// profiler. (Importing net/http/pprof also registers it on
// http.DefaultServeMux; nothing in this program serves that mux, and
// TestProfilerOnlyOnTheMetricsListener checks the application's listener.)
func Mux(h, status http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	mux.Handle("GET /status", status)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
