package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// deleteAttachment handles POST /compose/{id}/attachments/{upload}/delete:
// the attachment leaves the compose and the store. compose.js gets 204;
// a form post goes back to the compose page.
func (s *Server) deleteAttachment(c echo.Context) error {
	id, err := composeIDParam(c)
	if err != nil {
		return err
	}
	if err := s.App.DeleteUpload(c.Request().Context(), currentSession(c), id, c.Param("upload")); err != nil {
		return err
	}
	if strings.Contains(c.Request().Header.Get("Accept"), "application/json") {
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, composeURL(id))
}
