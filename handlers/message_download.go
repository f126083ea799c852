package handlers

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// downloadMessage sends the whole message as an .eml file at
// /mail/{mailbox}/{uid}/raw, streamed from IMAP as it arrives: no size
// limit applies, so it works for the messages too large to open here (the
// error page for those points to it). A download cut short after it began
// is shorter than its Content-Length: the browser sees it failed.
func (s *Server) downloadMessage(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	return s.App.DownloadMessage(c.Request().Context(), currentSession(c), mailbox, uid, func(size int64) io.Writer {
		setAttachmentHeaders(c, fmt.Sprintf("message-%d.eml", uid))
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, "message/rfc822")
		h.Set(echo.HeaderContentLength, strconv.FormatInt(size, 10))
		c.Response().WriteHeader(http.StatusOK)
		return c.Response()
	})
}
