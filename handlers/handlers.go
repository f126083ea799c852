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
	"github.com/webmail/webmail/app/loginlimit"
	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/imageproxy"
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

	TrustedProxies  []netip.Prefix // initial list; SetTrustedProxies replaces it
	PageSize        int
	MaxMessageBytes int64
	// SMTP is the submission server of logins the Router does not route.
	SMTP mail.Endpoint
	// MaxUpload bounds the attachments of one message (WEBMAIL_MAX_UPLOAD);
	// the upload route's body limit is a little more, for the form's
	// framing.
	MaxUpload int64
	// MaxFormBytes caps every request body but those of the upload
	// routes (WEBMAIL_MAX_FORM_BYTES; 0: 1 MiB). See bodylimit.go.
	MaxFormBytes int64

	// Router resolves a login to its mail servers; the session keeps the
	// result. Nil: every login uses IMAP.
	Router MailRouter
	// LoginFailures counts failed logins for LoginLimits, shared by every
	// instance (Redis or SQL). Nil: no login limits.
	LoginFailures loginlimit.FailureCounter
	LoginLimits   loginlimit.Limits // initial limits; SetLoginLimits replaces them
	// Images fetches remote images for the image proxy (nil: public
	// addresses only, imageproxy's defaults).
	Images *imageproxy.Fetcher
	// StickyWindow is how long a browser's reads go to the primary after a
	// change (read-your-writes); 0 turns it off.
	StickyWindow time.Duration
	// App is the application layer the handlers call. Nil: NewServer
	// builds one from these dependencies.
	App *app.App
	// Metrics instruments requests (nil: not instrumented). They are
	// served on a listener of their own (WEBMAIL_METRICS_LISTEN), never by
	// these routes.
	Metrics *Metrics
}

// MailRouter is what the handlers need of mail.Router.
type MailRouter interface {
	Resolve(login string) (mail.Route, error)
}

// Server holds the handlers' state: the dependencies and whether the
// instance is draining.
type Server struct {
	Deps
	draining    atomic.Bool
	streamsEnd  chan struct{} // closed by EndStreams
	endStreams  sync.Once
	stylesheets []string // hashed URLs, computed once
	scripts     []string
	proxyTrust  atomic.Pointer[proxyTrust] // reloadable (SIGHUP)
}

// Stylesheets and scripts every page loads, in order. Each area of the UI
// has its own file so the code for one page stays together.
var (
	stylesheetNames = []string{"app.css", "list.css", "message.css", "folders.css", "settings.css", "compose.css"}
	scriptNames     = []string{"app.js", "list.js", "list_drag.js", "list_help.js", "message.js", "events.js", "compose.js"}
)

// NewServer returns the handlers for deps.
func NewServer(deps Deps) *Server {
	if deps.PageSize <= 0 {
		deps.PageSize = 50
	}
	if deps.MaxMessageBytes <= 0 {
		deps.MaxMessageBytes = 50 << 20
	}
	if deps.MaxFormBytes <= 0 {
		deps.MaxFormBytes = defaultMaxFormBytes
	}
	if deps.App == nil {
		deps.App = app.New(app.Deps{
			Logger: deps.Logger, DB: deps.DB, Sessions: deps.Sessions, Attachments: deps.Attachments,
			IMAP: deps.IMAP, IMAPOptions: deps.IMAPOptions, Pool: deps.Pool, Watcher: deps.Watcher,
			Router: deps.Router, MaxMessageBytes: deps.MaxMessageBytes, PageSize: deps.PageSize,
			SMTP: deps.SMTP, MaxUpload: deps.MaxUpload,
			LoginFailures: deps.LoginFailures, LoginLimits: deps.LoginLimits,
			Images: deps.Images,
		})
	}
	s := &Server{Deps: deps, streamsEnd: make(chan struct{})}
	s.SetTrustedProxies(deps.TrustedProxies)
	for _, name := range stylesheetNames {
		s.stylesheets = append(s.stylesheets, deps.Assets.Path(name))
	}
	for _, name := range scriptNames {
		s.scripts = append(s.scripts, deps.Assets.Path(name))
	}
	return s
}

// SetLoginLimits replaces the login limits (on SIGHUP); attempts already
// counting keep the old ones.
func (s *Server) SetLoginLimits(l loginlimit.Limits) { s.App.SetLoginLimits(l) }

// CurrentLoginLimits returns the login limits in force.
func (s *Server) CurrentLoginLimits() loginlimit.Limits { return s.App.LoginLimits() }

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
