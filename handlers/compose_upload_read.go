package handlers

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// showAttachment handles GET /compose/{id}/attachments/{upload}: the
// owner's upload, streamed from the attachment store. Only raster images
// from an allow-list are served as themselves (inline images of the
// editor); anything else is a download of application/octet-stream, and
// nosniff keeps the browser from guessing otherwise.
func (s *Server) showAttachment(c echo.Context) error {
	id, err := composeIDParam(c)
	if err != nil {
		return err
	}
	content, err := s.App.ReadUpload(c.Request().Context(), currentSession(c), id, c.Param("upload"))
	if err != nil {
		return err
	}
	defer content.Body.Close()
	h := c.Response().Header()
	disposition := "attachment"
	if content.Inline {
		disposition = "inline"
	}
	if value := mime.FormatMediaType(disposition, map[string]string{"filename": content.Filename}); value != "" {
		disposition = value
	}
	h.Set("Content-Disposition", disposition)
	h.Set("Content-Length", strconv.FormatInt(content.Size, 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	c.Response().Header().Set("Content-Type", content.ContentType)
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), content.Body)
	return err
}
