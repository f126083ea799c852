package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/templates/pages"
)

// A part path names a part of a message, or of a message attached to it:
// part IDs joined by ":". "2" is part 2 of the message; "2:1.3" is part
// 1.3 of the message attached as part 2, so downloads, previews and bodies
// of attached messages use the same routes as the message's own, at any
// depth up to maxPartDepth.

// maxPartDepth bounds how deep attached messages inside attached messages
// can be opened.
const maxPartDepth = 6

// parsePartPath splits and checks a part path: each element is an IMAP
// part number (digits and dots).
func parsePartPath(path string) ([]string, error) {
	if path == "" || len(path) > 200 {
		return nil, errBadAddress
	}
	ids := strings.Split(path, ":")
	if len(ids) > maxPartDepth {
		return nil, errBadAddress
	}
	for _, id := range ids {
		if id == "" || strings.Trim(id, "0123456789.") != "" || strings.HasPrefix(id, ".") || strings.HasSuffix(id, ".") {
			return nil, errBadAddress
		}
	}
	return ids, nil
}

// partPathParam reads {part} from the route.
func partPathParam(c echo.Context) (string, []string, error) {
	path, err := url.PathUnescape(c.Param("part"))
	if err != nil {
		return "", nil, errBadAddress
	}
	ids, err := parsePartPath(path)
	return path, ids, err
}

// resolvePart walks a part path down from raw: every element but the last
// must be an attached message, whose content the next element is looked
// up in. It returns the last part and its decoded content.
func resolvePart(raw []byte, ids []string) (mime.Part, []byte, error) {
	var part mime.Part
	content := raw
	for i, id := range ids {
		var err error
		part, content, err = mime.PartContent(content, id)
		if err != nil {
			return mime.Part{}, nil, err
		}
		if i < len(ids)-1 && !attachedMessage(part.ContentType) {
			return mime.Part{}, nil, fmt.Errorf("handlers: part %s is %s, not a message: %w", id, part.ContentType, mime.ErrNotFound)
		}
	}
	return part, content, nil
}

// attached is a message attached to a message in a mailbox.
type attached struct {
	mailbox string
	uid     uint32
	path    string // the part path in the route
	raw     []byte // the attached message
	boxes   []mail.Mailbox
}

// fetchAttached fetches the message in the route and returns the message
// attached at the part path in the route; with the mailbox list too when
// withBoxes (for the page's folder tree).
func (s *Server) fetchAttached(c echo.Context, withBoxes bool) (attached, error) {
	var a attached
	var err error
	if a.mailbox, a.uid, err = messageParams(c); err != nil {
		return a, err
	}
	var ids []string
	if a.path, ids, err = partPathParam(c); err != nil {
		return a, err
	}
	var outer []byte
	err = s.withIMAP(c, func(client *mail.Client) error {
		ctx := c.Request().Context()
		var err error
		if outer, err = client.FetchRaw(ctx, a.mailbox, a.uid, s.MaxMessageBytes); err != nil {
			return err
		}
		if withBoxes {
			a.boxes, err = client.Mailboxes(ctx)
		}
		return err
	})
	if err != nil {
		return a, err
	}
	part, content, err := resolvePart(outer, ids)
	if err != nil {
		return a, mailError(err)
	}
	if !attachedMessage(part.ContentType) {
		return a, &UserError{Status: http.StatusNotFound, Title: "Not a message",
			Message: "This attachment is not an email message. Download it instead."}
	}
	a.raw = content
	return a, nil
}

// showAttachedMessage shows a message attached to another (a forwarded
// message, a bounce's original) at /mail/{mailbox}/{uid}/part/{path}/view:
// its headers, its body in a sandboxed iframe of its own, its attachments.
// It has no actions: it is not in any mailbox.
func (s *Server) showAttachedMessage(c echo.Context) error {
	a, err := s.fetchAttached(c, true)
	if err != nil {
		return err
	}
	mailbox, uid, path := a.mailbox, a.uid, a.path
	prefs := s.readerPrefs(c)
	msg := s.parseForDisplay(c, a.raw)
	base := messageURL(mailbox, uid)
	page := base + "/part/" + path
	view := s.messageView(c, msg, messageLinks{
		page:     page + "/view",
		body:     page + "/body",
		raw:      page,
		partBase: base + "/part/",
		prefix:   path + ":",
		trust:    base + "/trust-sender",
		part:     path,
	}, prefs.userID)
	view.Folders = folderItems(a.boxes, mailbox)
	view.BackURL = mailboxURL(mailbox)
	view.ParentURL = base
	if i := strings.LastIndex(path, ":"); i >= 0 {
		view.ParentURL = base + "/part/" + path[:i] + "/view"
	}
	view.Status = actionStatus(c.QueryParam("done"))
	return render(c, http.StatusOK, pages.Message(view))
}

// showAttachedBody serves the sanitized HTML body of an attached message,
// with the same CSP and sandbox as a message's own body.
func (s *Server) showAttachedBody(c echo.Context) error {
	a, err := s.fetchAttached(c, false)
	if err != nil {
		return err
	}
	return s.serveBody(c, a.raw)
}
