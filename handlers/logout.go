package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// logout handles POST /logout: the session ends server-side, so the cookie
// is worthless even if it was copied, and the browser forgets it.
func (s *Server) logout(c echo.Context) error {
	if err := s.App.LogOut(c.Request().Context(), currentSession(c)); err != nil {
		return err
	}
	c.SetCookie(s.Sessions.ClearCookie(s.isTLS(c)))
	return c.Redirect(http.StatusSeeOther, "/login")
}
