package handlers

import (
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
)

// downloadMessage sends the whole message as an .eml file.
func (s *Server) downloadMessage(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	raw, err := s.fetchRaw(c, mailbox, uid)
	if err != nil {
		return err
	}
	setAttachmentHeaders(c, fmt.Sprintf("message-%d.eml", uid))
	return c.Blob(http.StatusOK, "message/rfc822", raw)
}

// downloadPart sends one part of a message as a download. It is always an
// attachment with nosniff, so a hostile part can never render as a page of
// ours.
func (s *Server) downloadPart(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	partID := c.Param("part")
	if partID == "" || len(partID) > 64 || strings.Trim(partID, "0123456789.") != "" {
		return errBadAddress
	}
	raw, err := s.fetchRaw(c, mailbox, uid)
	if err != nil {
		return err
	}
	part, data, err := mail.PartContent(raw, partID)
	if err != nil {
		return mailError(err)
	}
	setAttachmentHeaders(c, mail.SafeFilename(part.Filename, "attachment-"+partID))
	return c.Blob(http.StatusOK, downloadType(part.ContentType), data)
}

// downloadType keeps a part's declared type only when it is well-formed;
// anything else is sent as opaque bytes.
func downloadType(ct string) string {
	mediaType, _, err := mime.ParseMediaType(ct)
	if err != nil || !strings.Contains(mediaType, "/") {
		return "application/octet-stream"
	}
	return mediaType
}

// setAttachmentHeaders marks the response as a download with a safe
// filename, in both the ASCII fallback and RFC 5987 forms.
func setAttachmentHeaders(c echo.Context, filename string) {
	h := c.Response().Header()
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
}
