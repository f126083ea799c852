package handlers

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/templates/pages"
)

// composeURL is the page of a compose.
func composeURL(id string) string { return "/compose/" + url.PathEscape(id) }

// composeIDParam is the compose ID of the path. Its form is checked by the
// store; anything else simply finds nothing.
func composeIDParam(c echo.Context) (string, error) {
	id := c.Param("id")
	if id == "" || len(id) > 64 {
		return "", errBadAddress
	}
	return id, nil
}

// uploadFraming is what a multipart body adds around its files: the
// boundaries, part headers and the csrf field.
const uploadFraming = 1 << 20

// uploadBodyLimit is the body limit of the upload route: the most all
// attachments of a message may weigh, and room for the framing. The
// application refuses a file over what is left for the compose.
func (s *Server) uploadBodyLimit() int64 {
	return s.App.MaxUpload + uploadFraming
}

// writeLinks are the links that start writing from the message at base
// (/mail/{mailbox}/{uid}); a draft also gets "Continue writing".
func writeLinks(base string, draft bool) *pages.MessageWriteLinks {
	w := &pages.MessageWriteLinks{
		ReplyURL: base + "/reply", ReplyAllURL: base + "/reply-all",
		ForwardURL: base + "/forward", ForwardAttachedURL: base + "/forward-attached",
	}
	if draft {
		w.ContinueURL = base + "/edit"
	}
	return w
}
