// Package handlers is the HTTP layer: the route table, middleware, one file
// per resource action, and the one error handler. It is the only package
// that knows echo.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/static"
)

// Deps is everything the handlers need, built by cmd/webmail. What
// serving a request involves beyond HTTP (mail, the database, sessions'
// storage, attachments, login limits) is the application's: the handlers
// reach it through App.
type Deps struct {
	// App is the application layer the handlers call; required. Its
	// session manager is also the one that seals the session cookie.
	App    *app.App
	Logger *slog.Logger
	Assets *static.Assets

	TrustedProxies []netip.Prefix // initial list; SetTrustedProxies replaces it
	// MaxFormBytes caps every request body but those of the upload
	// routes (WEBMAIL_MAX_FORM_BYTES; 0: 1 MiB). See bodylimit.go.
	MaxFormBytes int64
	// StickyWindow is how long a browser's reads go to the primary after a
	// change (read-your-writes); 0 turns it off.
	StickyWindow time.Duration
	// Metrics instruments requests (nil: not instrumented). They are
	// served on a listener of their own (WEBMAIL_METRICS_LISTEN), never by
	// these routes.
	Metrics *Metrics
	// Plugins are the enabled plugins' route handlers by plugin name
	// (plugins.Host.RouteHandlers), mounted at /plugins/<name>/.
	Plugins map[string]http.Handler
}

// Server holds the handlers' state: the dependencies and whether the
// instance is draining.
type Server struct {
	Deps
	// Sessions is App's session manager: the HTTP layer loads the session
	// from its cookie and seals the cookie with it.
	Sessions    *session.Manager
	draining    atomic.Bool
	streamsEnd  chan struct{} // closed by EndStreams
	endStreams  sync.Once
	stylesheets []string // hashed URLs, computed once
	scripts     []string
	iconSprite  string                     // hashed URL of the icon sprite
	proxyTrust  atomic.Pointer[proxyTrust] // reloadable (SIGHUP)
}

// Stylesheets and scripts every page loads, in order. Each area of the UI
// has its own file so the code for one page stays together.
var (
	stylesheetNames = []string{"app.css", "list.css", "message.css", "folders.css", "settings.css", "compose.css", "feedback.css"}
	scriptNames     = []string{"app.js", "progress.js", "list.js", "list_drag.js", "list_help.js", "message.js", "list_pane.js", "events.js", "compose.js", "settings.js", "undo.js"}
)

// NewServer returns the handlers for deps. deps.App is required.
func NewServer(deps Deps) *Server {
	if deps.App == nil {
		panic("handlers: NewServer without an App")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.MaxFormBytes <= 0 {
		deps.MaxFormBytes = defaultMaxFormBytes
	}
	s := &Server{Deps: deps, Sessions: deps.App.Sessions, streamsEnd: make(chan struct{})}
	s.SetTrustedProxies(deps.TrustedProxies)
	for _, name := range stylesheetNames {
		s.stylesheets = append(s.stylesheets, deps.Assets.Path(name))
	}
	for _, name := range scriptNames {
		s.scripts = append(s.scripts, deps.Assets.Path(name))
	}
	s.iconSprite = deps.Assets.Path(iconSpriteAsset)
	return s
}

// Drain makes /readyz answer 503 so the load balancer stops sending new
// requests, while in-flight ones finish. From then on responses also ask
// the client to close the connection (see CloseConnectionsWhileDraining).
func (s *Server) Drain() { s.draining.Store(true) }

// Draining returns a channel that is closed when long-lived responses, such
// as a new-mail event stream, must end. cmd/webmail closes it at the end of
// the drain period, when the load balancer has stopped sending requests
// here, so a browser that reconnects lands on another instance. A stream
// handler selects on it and then returns normally: an EventSource
// reconnects after a normal end but gives up after an error status.
func (s *Server) Draining() <-chan struct{} { return s.streamsEnd }

// EndStreams closes the channel Draining returns; later calls do nothing.
func (s *Server) EndStreams() { s.endStreams.Do(func() { close(s.streamsEnd) }) }

// CloseConnectionsWhileDraining wraps the route handler: once Drain was
// called, every response carries "Connection: close". Connections from the
// load balancer then end after a response, instead of sitting idle until
// the shutdown closes them, perhaps just as a request is sent on one
// (which the load balancer may not retry for a POST).
func (s *Server) CloseConnectionsWhileDraining(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.draining.Load() {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}

// readyTimeout bounds each dependency check of /readyz, so a hung backend
// makes the instance unready instead of hanging the health check.
const readyTimeout = 2 * time.Second

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
