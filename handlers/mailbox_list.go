package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/components"
	"github.com/webmail/webmail/templates/pages"
)

// showHome sends a logged-in user to the inbox.
func (s *Server) showHome(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, "/mail/INBOX")
}

// listMessages shows a mailbox's messages at /mail/{mailbox}: page N at
// ?page=N, sorted by ?sort=date|from|subject|size and ?order=asc|desc, as
// conversations with ?view=threads (a flat list with ?view=messages),
// narrowed by ?filter=unread|flagged and by the search fields (see
// app.ParseSearch). Page size, and sort, order and view when the query
// leaves them out, are the user's settings (/settings). A page past the end
// redirects to the last page, which is where a list lands after its last
// messages were moved away.
func (s *Server) listMessages(c echo.Context) error {
	mailbox, err := mailboxParam(c)
	if err != nil {
		return err
	}
	list, err := s.App.ListMessages(c.Request().Context(), currentSession(c), app.ListMessagesInput{Mailbox: mailbox, Query: listQuery(c)})
	if err != nil {
		return err
	}
	counts := list.Counts()
	if list.PastEnd {
		last := list.Params
		last.Page = counts.Pages
		return c.Redirect(http.StatusSeeOther, listURL(mailbox, last))
	}
	name := components.FolderLabel(c.Request().Context(), app.DisplayName(list.Folders, mailbox), app.SpecialUse(list.Folders, mailbox))
	view := pages.MailboxView{
		Frame:   s.frame(c, name),
		Folders: folderItems(list.Folders, mailbox),
		Mailbox: name,
		Page:    list.Params.Page,
		Threads: list.Params.Threads,
		Total:   counts.Total, Unseen: counts.Unseen, Pages: counts.Pages, Matches: counts.Matches,
		Messages:    listRows(mailbox, list, rowFormat{ctx: c.Request().Context(), now: time.Now(), loc: list.TimeZone, boxes: list.Folders}),
		ReadingPane: list.ReadingPane,
	}
	s.fillListChrome(c, &view, mailbox, list)
	if counts.Approximate {
		view.Notice = i18n.T(c.Request().Context(), "This folder is too large to sort or search completely here: the list may be in arrival order or miss older matches. Narrow the search to be sure.")
	}
	return render(c, http.StatusOK, pages.Mailbox(view))
}
