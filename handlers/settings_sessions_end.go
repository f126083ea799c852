package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// endSession handles POST /settings/sessions/{ref}/end: it signs out one
// of the user's other sessions, on every instance. A ref that names none
// of the user's sessions is 404.
func (s *Server) endSession(c echo.Context) error {
	if err := s.App.EndMySession(c.Request().Context(), currentSession(c), c.Param("ref")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/sessions?done=ended")
}

// endOtherSessions handles POST /settings/sessions/end-others: it signs
// out every session of the user's but this one.
func (s *Server) endOtherSessions(c echo.Context) error {
	if _, err := s.App.EndMyOtherSessions(c.Request().Context(), currentSession(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/sessions?done=others")
}
