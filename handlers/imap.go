package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// withIMAP runs fn with an IMAP connection logged in as the session's user,
// borrowed from this instance's pool. Credentials come from the session, so
// any instance can do this. fn must be safe to run twice: when a pooled
// connection turns out to have died while idle, fn runs once more on a
// fresh one and the user never sees the dead connection.
func (s *Server) withIMAP(c echo.Context, fn func(*mail.Client) error) error {
	sess := currentSession(c)
	password, err := s.Sessions.Password(sess)
	if err != nil {
		// Another cluster secret sealed these credentials: the user must
		// sign in again; nothing else can recover them.
		s.Sessions.Destroy(c.Request().Context(), sess.ID)
		c.SetCookie(s.Sessions.ClearCookie(s.isTLS(c)))
		return &UserError{Status: http.StatusUnauthorized, Title: "Signed out",
			Message: "Your session can no longer be used. Please sign in again.", Err: err}
	}
	ctx := c.Request().Context()
	endpoint, err := s.sessionIMAP(sess)
	if err != nil {
		return mailError(err)
	}
	for attempt := 0; ; attempt++ {
		conn, err := s.Pool.Get(ctx, endpoint, sess.User, password, s.IMAPOptions)
		if err != nil {
			return mailError(err)
		}
		err = fn(conn.Client)
		retry := err != nil && conn.Reused && conn.Broken() && ctx.Err() == nil && attempt == 0
		conn.Release()
		if retry {
			s.Logger.Debug("pooled IMAP connection was dead; retrying on a new one", "request_id", reqID(c), "err", err)
			continue
		}
		if err != nil {
			if errors.Is(err, mail.ErrAuthFailed) {
				s.Sessions.Destroy(ctx, sess.ID)
				c.SetCookie(s.Sessions.ClearCookie(s.isTLS(c)))
			}
			return mailError(err)
		}
		return nil
	}
}

// sessionIMAP is the IMAP server of the session: the one its login was
// routed to, so every instance talks to the same backend for it. Sessions
// from before routing resolve now.
func (s *Server) sessionIMAP(sess *session.Session) (mail.Endpoint, error) {
	if sess.IMAP != "" {
		return mail.ParseIMAPURL(sess.IMAP)
	}
	return s.resolveIMAP(sess.User)
}

// resolveIMAP routes a login to its IMAP server.
func (s *Server) resolveIMAP(login string) (mail.Endpoint, error) {
	if s.Router == nil {
		return s.IMAP, nil
	}
	route, err := s.Router.Resolve(login)
	if err != nil {
		return mail.Endpoint{}, err
	}
	return route.IMAP, nil
}
