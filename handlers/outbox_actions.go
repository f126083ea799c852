package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// cancelOutgoing handles POST /outbox/{id}/cancel: a waiting message is
// cancelled and the user is back on its compose page to edit or discard it.
func (s *Server) cancelOutgoing(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	composeID, err := s.App.CancelOutgoing(c.Request().Context(), currentSession(c), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/compose/"+url.PathEscape(composeID))
}

// dismissSendNotice handles POST /outbox/{id}/dismiss: the banner about a
// refused message goes away; the user returns to next (a path of ours).
func (s *Server) dismissSendNotice(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	if err := s.App.DismissSendNotice(c.Request().Context(), currentSession(c), id); err != nil {
		return err
	}
	next := c.FormValue("next")
	// Only a path on this site: never "//host" or a scheme.
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		next = "/mail/INBOX"
	}
	return c.Redirect(http.StatusSeeOther, next)
}
