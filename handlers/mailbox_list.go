package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/mail"
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
// parseSearchParams). Page size, and sort, order and view when the query
// leaves them out, are the user's settings (/settings). A page past the end
// redirects to the last page, which is where a list lands after its last
// messages were moved away.
func (s *Server) listMessages(c echo.Context) error {
	mailbox, err := mailboxParam(c)
	if err != nil {
		return err
	}
	settings := s.loadSettings(c)
	params, err := parseListParams(c, settings.listDefaults())
	if err != nil {
		return err
	}
	var (
		boxes   []mail.Mailbox
		flat    mail.SortedPage
		threads mail.ThreadPage
	)
	err = s.withIMAP(c, func(client *mail.Client) error {
		ctx := c.Request().Context()
		var err error
		if boxes, err = client.Mailboxes(ctx); err != nil {
			return err
		}
		if params.threads {
			threads, err = client.ListThreads(ctx, mailbox, params.query(settings.pageSize))
		} else {
			flat, err = client.ListSorted(ctx, mailbox, params.query(settings.pageSize))
		}
		return err
	})
	if err != nil {
		return err
	}

	now := time.Now()
	view := pages.MailboxView{
		Frame:   s.frame(c, app.DisplayName(boxes, mailbox)),
		Folders: folderItems(boxes, mailbox),
		Mailbox: app.DisplayName(boxes, mailbox),
		Page:    params.page,
		Threads: params.threads,
	}
	approximate := false
	if params.threads {
		view.Total, view.Unseen, view.Pages, view.Matches = threads.Total, threads.Unseen, threads.Pages, threads.Threads
		view.Messages = threadRows(mailbox, threads.Conversations, now)
		approximate = threads.Approximate
	} else {
		view.Total, view.Unseen, view.Pages, view.Matches = flat.Total, flat.Unseen, flat.Pages, flat.Matches
		for _, m := range flat.Messages {
			view.Messages = append(view.Messages, summaryRow(mailbox, m, now, false))
		}
		approximate = flat.Approximate
	}
	if params.page > view.Pages && view.Matches > 0 {
		last := params
		last.page = view.Pages
		return c.Redirect(http.StatusSeeOther, last.url(mailbox))
	}
	s.fillListChrome(c, &view, mailbox, boxes, params)
	if approximate {
		view.Notice = "This folder is too large to sort or search completely here: the list may be in arrival order or miss older matches. Narrow the search to be sure."
	}
	return render(c, http.StatusOK, pages.Mailbox(view))
}

// fillListChrome fills what surrounds the rows: pager, columns, views,
// filters, search and actions.
func (s *Server) fillListChrome(c echo.Context, view *pages.MailboxView, mailbox string, boxes []mail.Mailbox, params listParams) {
	view.ListURL = params.url(mailbox)
	if params.page > 1 {
		prev := params
		prev.page = min(params.page-1, max(view.Pages, 1))
		view.PrevURL = prev.url(mailbox)
	}
	if params.page < view.Pages {
		next := params
		next.page = params.page + 1
		view.NextURL = next.url(mailbox)
	}
	view.Columns = sortColumns(mailbox, params)
	view.Views = viewLinks(mailbox, params)
	view.Filters = filterLinks(mailbox, params)
	view.Search = quickSearch(mailbox, params)
	view.Status = takeListStatus(c, s.isTLS(c))
	view.Actions = s.listActions(view.Frame.CSRF, mailbox, boxes, view.ListURL)
	noun := "message"
	if params.threads {
		noun = "conversation"
	}
	if !params.search.query.IsZero() {
		view.Searching = true
		verb := " match "
		if view.Matches == 1 {
			verb = " matches "
		}
		view.SearchSummary = app.CountNoun(view.Matches, noun) + " in " + view.Mailbox + verb + describeSearch(params.search) + "."
	} else if params.filter != mail.FilterAll {
		view.Searching = true
		view.SearchSummary = app.CountNoun(view.Matches, noun) + " " + string(params.filter) + "."
	}
	if view.Searching {
		clear := params
		clear.page, clear.search, clear.filter = 1, searchParams{}, mail.FilterAll
		view.ClearSearchURL = clear.url(mailbox)
	}
}
