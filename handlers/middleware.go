package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/session"
)

// Context keys for values middleware hands to handlers.
const (
	ctxRequestID = "webmail.requestID"
	ctxSession   = "webmail.session"
)

// rawPath makes echo route on the escaped path, always, so a path-escaped
// mailbox name stays one segment whatever characters it contains.
func rawPath(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := c.Request().URL
		u.RawPath = u.EscapedPath()
		return next(c)
	}
}

// requestID takes a well-formed X-Request-ID from the proxy or makes one, and
// echoes it in the response so a user's report can be found in the logs.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !validRequestID(id) {
			var b [12]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(ctxRequestID, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func reqID(c echo.Context) string {
	id, _ := c.Get(ctxRequestID).(string)
	return id
}

// recoverPanic turns a panic into a logged 500 with the stack in the log
// only, never in the response.
func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.Logger.Error("panic", "request_id", reqID(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("handlers: panic: %v", r)
			}
		}()
		return next(c)
	}
}

// securityHeaders sets the headers every response carries. The app's own
// pages load only our own scripts, styles and images; message bodies get a
// stricter policy of their own in showMessageBody.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if s.isTLS(c) {
			// Once a browser has seen us over TLS it never tries plain
			// HTTP again, where the cookies' Secure flag could not help.
			h.Set("Strict-Transport-Security", hstsValue)
		}
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			// Pages are per user: no shared or browser cache keeps one,
			// whatever the method (a POST reply is a page too). Some
			// answers depend on fetch metadata (a cross-site open of a
			// message does not mark it read): say so to any cache.
			h.Set("Cache-Control", "no-store")
			h.Add("Vary", "Sec-Fetch-Site")
		}
		return next(c)
	}
}

// hstsValue asks browsers to use only HTTPS for a year. No
// includeSubDomains: other hosts under the webmail's name are not ours to
// commit.
const hstsValue = "max-age=31536000"

// accessLog logs one line per request with its request ID.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req := c.Request()
		level := slog.LevelInfo
		if req.URL.Path == "/healthz" || req.URL.Path == "/readyz" || strings.HasPrefix(req.URL.Path, "/static/") {
			level = slog.LevelDebug
		}
		s.Logger.Log(req.Context(), level, "request",
			"request_id", reqID(c),
			"method", req.Method,
			"path", req.URL.Path,
			"status", c.Response().Status,
			"bytes", c.Response().Size,
			"duration_ms", float64(time.Since(start).Microseconds())/1000,
			"client_ip", c.RealIP(),
		)
		return nil
	}
}

// clientIPExtractor believes X-Forwarded-For only from the configured
// proxies; echo's defaults would also trust any private or loopback peer.
func clientIPExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		_, ipNet, err := net.ParseCIDR(p.String())
		if err == nil {
			opts = append(opts, echo.TrustIPRange(ipNet))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// isTLS reports whether the browser reached us over TLS: directly, or
// through a trusted proxy that says so in X-Forwarded-Proto.
func (s *Server) isTLS(c echo.Context) bool {
	req := c.Request()
	if req.TLS != nil {
		return true
	}
	if !s.fromTrustedProxy(req) {
		return false
	}
	return strings.EqualFold(strings.TrimSpace(strings.Split(req.Header.Get("X-Forwarded-Proto"), ",")[0]), "https")
}

func (s *Server) fromTrustedProxy(req *http.Request) bool {
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range s.trustedProxies() {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// loadSession loads the session named by the cookie, if any. A store that
// does not answer is an error page (503), not a silent logout; an unknown,
// expired or unreadable session is a logged-out visitor whose cookie is
// cleared.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		cookie, legacy := s.sessionCookie(c)
		if cookie == nil {
			return next(c)
		}
		sess, err := s.Sessions.LoadFrom(c.Request().Context(), cookie.Value, c.RealIP())
		switch {
		case err == nil:
			c.Set(ctxSession, sess)
			if legacy {
				s.upgradeSessionCookie(c, sess)
			}
		case session.IsNotFound(err):
			c.SetCookie(s.Sessions.ClearCookie(s.isTLS(c)))
			if legacy {
				c.SetCookie(legacySessionCookieClear())
			}
		default:
			if isProbe(c) {
				return next(c)
			}
			return &UserError{Status: http.StatusServiceUnavailable, Title: app.SignInUnavailableTitle,
				Message: app.SignInUnavailable, Err: err}
		}
		return next(c)
	}
}

func isProbe(c echo.Context) bool {
	p := c.Request().URL.Path
	return p == "/healthz" || p == "/readyz" || strings.HasPrefix(p, "/static/")
}

func currentSession(c echo.Context) *session.Session {
	sess, _ := c.Get(ctxSession).(*session.Session)
	return sess
}

// requireSession sends visitors without a session to the login page.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentSession(c) == nil {
			if c.Request().Method == http.MethodGet {
				return c.Redirect(http.StatusSeeOther, "/login")
			}
			return &UserError{Status: http.StatusUnauthorized, Title: "Signed out", Message: "Your session has ended. Please sign in again."}
		}
		return next(c)
	}
}
