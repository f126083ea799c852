package handlers

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/layout"
	"github.com/webmail/webmail/templates/pages"
)

// showMessage shows one message at /mail/{mailbox}/{uid}: headers, body,
// attachments, the actions and the neighbours for j/k (see
// app.ShowMessage for what opening it does).
func (s *Server) showMessage(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	pane := paneFragment(c)
	page, err := s.App.ShowMessage(c.Request().Context(), currentSession(c), app.ShowMessageInput{
		Mailbox: mailbox, UID: uid, ShowImages: remoteImagesAsked(c), CrossSite: crossSite(c),
		Thread: conversationAsked(c), Pane: pane,
	})
	if err != nil {
		return err
	}
	base := messageURL(mailbox, uid)
	view := s.messageView(c, page.Message, messageLinks{
		page:     base,
		body:     base + "/body",
		raw:      base + "/raw",
		partBase: base + "/part/",
		trust:    base + "/trust-sender",
	})
	view.Folders = folderItems(page.Folders, mailbox)
	view.Banners = bannerItems(page.Banners)
	view.BackURL = mailboxURL(mailbox)
	view.SourceURL = base + "/source"
	view.PrintURL = base + "/print"
	if view.ImagesShown {
		view.PrintURL += "?images=1"
	}
	if page.Nav.Newer != 0 {
		view.NewerURL = messageURL(mailbox, page.Nav.Newer)
	}
	if page.Nav.Older != 0 {
		view.OlderURL = messageURL(mailbox, page.Nav.Older)
	}
	view.ConversationURL = toggledQuery(c, "thread", "1")
	if page.Conversation != nil {
		view.Conversation = s.conversationView(c, mailbox, uid, page.Conversation, page.Message.TimeZone)
	}
	view.Status = i18n.T(c.Request().Context(), actionStatus(c.QueryParam("done")))
	view.Actions = messageActions(base, mailbox, page.Folders, page.Nav)
	view.Write = writeLinks(base, app.SpecialUse(page.Folders, mailbox) == "drafts")
	if page.MarkReadAfter > 0 {
		view.MarkReadURL = base + "/actions"
		view.MarkReadAfter = page.MarkReadAfter
	}
	if pane {
		// An action posted from the pane redirects here: its undo comes
		// along, for list_pane.js to hand to undo.js.
		// s.frame (in messageView) has taken the offer already: taking it
		// again checked the token twice and deleted its cookie twice.
		undo := layout.UndoNotice(view.Frame.CSRF, view.Frame.Undo)
		return render(c, http.StatusOK, templ.Join(undo, pages.MessageArticle(view)))
	}
	return render(c, http.StatusOK, pages.Message(view))
}

// paneFragmentHeader asks for the message alone, without the page around
// it: the list's reading pane inserts it into the list page. A navigation
// never sends it, so reload, a new tab or a browser without JavaScript get
// the full page at the same URL.
const paneFragmentHeader = "X-Webmail-Fragment"

// paneFragment reports a request from the reading pane.
func paneFragment(c echo.Context) bool {
	c.Response().Header().Add(echo.HeaderVary, paneFragmentHeader)
	return c.Request().Header.Get(paneFragmentHeader) == "pane"
}

// messageActions describes the action form for a message in mailbox.
func messageActions(base, mailbox string, boxes []app.Mailbox, nav app.MessageNav) *pages.MessageAction {
	a := &pages.MessageAction{URL: base + "/actions", Flagged: nav.Flagged}
	switch {
	case nav.Older != 0:
		a.NextUID = strconv.FormatUint(uint64(nav.Older), 10)
	case nav.Newer != 0:
		a.NextUID = strconv.FormatUint(uint64(nav.Newer), 10)
	}
	// Archive creates the folder when it is missing, as on the list.
	a.HasArchive = true
	a.Targets = folderTargets(boxes, mailbox)
	switch app.SpecialUse(boxes, mailbox) {
	case "trash":
		a.InTrash = true
	case "junk":
		a.InJunk = true
	case "archive":
		a.InArchive = true
	}
	return a
}

// crossSite reports a navigation another site started (a link in a mail
// from elsewhere, a redirect). A GET must not change state for it: the
// page then marks the message read itself, with a CSRF-checked POST.
func crossSite(c echo.Context) bool {
	return c.Request().Header.Get("Sec-Fetch-Site") == "cross-site"
}
