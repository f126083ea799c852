package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/templates/pages"
)

// submitLogin checks the credentials against the IMAP server, then starts a
// session with a fresh ID. The password is kept only sealed with the cluster
// key inside the session.
func (s *Server) submitLogin(c echo.Context) error {
	username := strings.TrimSpace(c.FormValue("username"))
	password := c.FormValue("password")
	again := func(status int, msg string) error {
		return render(c, status, pages.Login(pages.LoginView{
			Frame:    s.frame(c, "Sign in"),
			CSRF:     s.loginCSRFToken(c),
			Username: username,
			Error:    msg,
		}))
	}
	if username == "" || password == "" {
		return again(http.StatusBadRequest, "Enter your email address and password.")
	}
	if len(username) > 320 || len(password) > 1024 || !utf8.ValidString(username) || strings.ContainsAny(username, "\r\n\x00") || strings.ContainsAny(password, "\r\n\x00") {
		return again(http.StatusBadRequest, "Wrong email address or password.")
	}
	ctx := c.Request().Context()
	// Rate limits first: a limited attempt never reaches the mail server.
	if wait := s.loginWait(ctx, c.RealIP(), username); wait > 0 {
		s.log(c).Info("login refused: too many failed attempts", "user", username, "client_ip", c.RealIP(), "wait", wait.Round(time.Second))
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return again(http.StatusTooManyRequests, tooManyAttempts(wait))
	}
	// Count the attempt before asking the mail server: parallel guesses
	// must not all pass the limit before any of them is counted.
	attempt, wait := s.reserveLoginAttempt(ctx, c.RealIP(), username)
	if wait > 0 {
		s.log(c).Info("login refused: too many failed attempts", "user", username, "client_ip", c.RealIP(), "wait", wait.Round(time.Second))
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return again(http.StatusTooManyRequests, tooManyAttempts(wait))
	}
	route, err := s.routeLogin(username)
	if err != nil {
		s.log(c).Info("login failed: no mail server for this login", "user", username, "client_ip", c.RealIP(), "err", err)
		return again(http.StatusUnauthorized, "Wrong email address or password.")
	}
	// A fresh login, never a pooled connection: the pool would hand back a
	// connection opened with a password the server no longer accepts. The
	// connection then joins the pool for the inbox this user lands on.
	conn, err := s.Pool.Dial(ctx, route.IMAP, username, password, s.IMAPOptions)
	if err != nil {
		switch {
		case errors.Is(err, mail.ErrAuthFailed):
			s.Logger.Info("login failed", "request_id", reqID(c), "user", username, "client_ip", c.RealIP())
			return again(http.StatusUnauthorized, "Wrong email address or password.")
		default:
			s.releaseLoginAttempt(ctx, attempt)
			s.Logger.Error("login: mail server unavailable", "request_id", reqID(c), "err", err)
			return again(http.StatusServiceUnavailable, "The mail server is not answering right now. Please try again in a minute.")
		}
	}
	conn.Release()
	s.releaseLoginAttempt(ctx, attempt)
	s.clearLoginFailures(ctx, username)

	smtp := ""
	if route.SMTP.Host != "" {
		smtp = route.SMTP.String()
	}
	sess, err := s.Sessions.CreateRouted(ctx, username, password, route.IMAP.String(), smtp)
	if err != nil {
		return &UserError{Status: http.StatusServiceUnavailable, Title: "Temporarily unavailable",
			Message: "You cannot be signed in right now. Please try again in a moment.", Err: err}
	}
	// The users table is bookkeeping: reading mail must work while the
	// primary database is down, so a failed write is logged, not fatal.
	if _, err := s.DB.RecordLogin(ctx, username); err != nil {
		s.Logger.Warn("login: recording the login failed", "request_id", reqID(c), "err", err)
	}
	s.Logger.Info("login", "request_id", reqID(c), "user", username, "client_ip", c.RealIP())
	c.SetCookie(s.Sessions.Cookie(sess, s.isTLS(c)))
	return c.Redirect(http.StatusSeeOther, "/mail/INBOX")
}

// routeLogin finds the mail servers for a login: the router's answer, or
// the configured IMAP server when there is no router.
func (s *Server) routeLogin(login string) (mail.Route, error) {
	if s.Router == nil {
		return mail.Route{IMAP: s.IMAP}, nil
	}
	return s.Router.Resolve(login)
}
