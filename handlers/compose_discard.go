package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// discardCompose handles POST /compose/{id}/discard: the compose, its
// attachments and its Drafts copy are deleted, and the browser goes back
// to the inbox.
func (s *Server) discardCompose(c echo.Context) error {
	id, err := composeIDParam(c)
	if err != nil {
		return err
	}
	if err := s.App.DiscardCompose(c.Request().Context(), currentSession(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/mail/INBOX")
}
