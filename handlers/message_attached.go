package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// showAttachedMessage shows a message attached to another (a forwarded
// message, a bounce's original) at /mail/{mailbox}/{uid}/part/{path}/view:
// its headers, its body in a sandboxed iframe of its own, its attachments.
// It has no actions: it is not in any mailbox.
func (s *Server) showAttachedMessage(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	path, part, err := partPathParam(c)
	if err != nil {
		return err
	}
	page, err := s.App.ShowAttachedMessage(c.Request().Context(), currentSession(c), app.ShowAttachedInput{
		Mailbox: mailbox, UID: uid, Part: part, ShowImages: remoteImagesAsked(c),
	})
	if err != nil {
		return err
	}
	base := messageURL(mailbox, uid)
	self := base + "/part/" + path
	view := s.messageView(c, page.Message, messageLinks{
		page:     self + "/view",
		body:     self + "/body",
		raw:      self,
		partBase: base + "/part/",
		prefix:   path + ":",
		trust:    base + "/trust-sender",
		part:     path,
	})
	view.Folders = folderItems(page.Folders, mailbox)
	view.BackURL = mailboxURL(mailbox)
	view.ParentURL = base
	if i := strings.LastIndex(path, ":"); i >= 0 {
		view.ParentURL = base + "/part/" + path[:i] + "/view"
	}
	view.Status = i18n.T(c.Request().Context(), actionStatus(c.QueryParam("done")))
	return render(c, http.StatusOK, pages.Message(view))
}
