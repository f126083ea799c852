package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// deleteIdentity handles POST /settings/identities/{id}/delete. The login
// address's identity is refused (400).
func (s *Server) deleteIdentity(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return errBadAddress
	}
	if err := s.App.DeleteIdentity(c.Request().Context(), currentSession(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/identities?done=deleted")
}
