package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// logout deletes the session server-side, so the cookie is worthless even
// if it was copied, and clears it in the browser.
func (s *Server) logout(c echo.Context) error {
	if sess := currentSession(c); sess != nil {
		if err := s.Sessions.Destroy(c.Request().Context(), sess.ID); err != nil {
			return &UserError{Status: http.StatusServiceUnavailable, Title: "Temporarily unavailable",
				Message: "You could not be signed out right now. Please try again in a moment.", Err: err}
		}
		s.Logger.Info("logout", "request_id", reqID(c), "user", sess.User)
	}
	c.SetCookie(s.Sessions.ClearCookie(s.isTLS(c)))
	return c.Redirect(http.StatusSeeOther, "/login")
}
