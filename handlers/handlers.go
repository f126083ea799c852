// Package handlers is the HTTP layer: the route table, middleware, one file
// per resource action, and the one error handler. It is the only package
// that knows echo.
package handlers

import (
	"context"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/static"
	"github.com/webmail/webmail/store"
)

// Deps is everything the handlers need, built by cmd/webmail.
type Deps struct {
	Logger      *slog.Logger
	DB          *store.DB
	Sessions    *session.Manager
	Attachments attachments.Store
	Assets      *static.Assets
	IMAP        mail.Endpoint
	IMAPOptions mail.DialOptions
	Pool        *mail.Pool    // this instance's IMAP connections
	Watcher     *mail.Watcher // this instance's IDLE connections for new-mail push

	TrustedProxies  []netip.Prefix
	PageSize        int
	MaxMessageBytes int64
}

// Server holds the handlers' state: the dependencies and whether the
// instance is draining.
type Server struct {
	Deps
	draining    atomic.Bool
	streamsEnd  chan struct{} // closed to end long-lived responses
	endStreams  sync.Once
	stylesheets []string // hashed URLs, computed once
	scripts     []string
}

// Stylesheets and scripts every page loads, in order. Each area of the UI
// has its own file so the code for one page stays together.
var (
	stylesheetNames = []string{"app.css", "list.css", "message.css", "folders.css"}
	scriptNames     = []string{"app.js", "list.js", "message.js", "events.js"}
)

// NewServer returns the handlers for deps.
func NewServer(deps Deps) *Server {
	if deps.PageSize <= 0 {
		deps.PageSize = 50
	}
	if deps.MaxMessageBytes <= 0 {
		deps.MaxMessageBytes = 50 << 20
	}
	s := &Server{Deps: deps, streamsEnd: make(chan struct{})}
	for _, name := range stylesheetNames {
		s.stylesheets = append(s.stylesheets, deps.Assets.Path(name))
	}
	for _, name := range scriptNames {
		s.scripts = append(s.scripts, deps.Assets.Path(name))
	}
	return s
}

// Drain makes /readyz answer 503 so the load balancer stops sending new
// requests, while in-flight ones finish.
func (s *Server) Drain() { s.draining.Store(true) }

// Draining returns a channel closed when long-lived responses (the event
// stream) must end, so browsers reconnect to another instance.
func (s *Server) Draining() <-chan struct{} { return s.streamsEnd }

// EndStreams closes the channel Draining returns; later calls do nothing.
func (s *Server) EndStreams() { s.endStreams.Do(func() { close(s.streamsEnd) }) }

// readyTimeout bounds each dependency check of /readyz, so a hung backend
// makes the instance unready instead of hanging the health check.
const readyTimeout = 2 * time.Second

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
