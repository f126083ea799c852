package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// undoSend handles POST /compose/{id}/undo: a message still in its undo
// window (or scheduled for later, or queued) is cancelled and the user is
// back on its compose page. Too late (being sent or sent) is a 409 that
// says so.
func (s *Server) undoSend(c echo.Context) error {
	id := c.Param("id")
	if err := s.App.UndoSend(c.Request().Context(), currentSession(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/compose/"+url.PathEscape(id))
}
