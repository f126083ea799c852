package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
)

// withIMAP runs fn with an IMAP connection logged in as the session's user.
// Credentials come from the session, so any instance can do this.
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
	client, err := mail.DialIMAP(c.Request().Context(), s.IMAP, sess.User, password, s.IMAPOptions)
	if err != nil {
		return mailError(err)
	}
	defer client.Close()
	if err := fn(client); err != nil {
		return mailError(err)
	}
	return nil
}
