package handlers

import (
	"context"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/components"
	"github.com/webmail/webmail/templates/pages"
)

// listRows are the rows of a list page, messages or conversations.
func listRows(mailbox string, list app.MessageList, f rowFormat) []components.MessageRow {
	if list.Params.Threads {
		return threadRows(mailbox, list.Threads.Conversations, f)
	}
	var rows []components.MessageRow
	for _, m := range list.Flat.Messages {
		rows = append(rows, summaryRow(mailbox, m, f, false))
	}
	return rows
}

// fillListChrome fills what surrounds the rows: pager, columns, views,
// filters, search and actions.
func (s *Server) fillListChrome(c echo.Context, view *pages.MailboxView, mailbox string, list app.MessageList) {
	params := list.Params
	view.ListURL = listURL(mailbox, params)
	if params.Page > 1 {
		prev := params
		prev.Page = min(params.Page-1, max(view.Pages, 1))
		view.PrevURL = listURL(mailbox, prev)
	}
	if params.Page < view.Pages {
		next := params
		next.Page = params.Page + 1
		view.NextURL = listURL(mailbox, next)
	}
	ctx := c.Request().Context()
	view.Columns = sortColumns(ctx, mailbox, params)
	view.Views = viewLinks(ctx, mailbox, params)
	view.Filters = filterLinks(ctx, mailbox, params)
	view.Search = quickSearch(mailbox, params)
	view.Status = takeListStatus(c, s.isTLS(c))
	view.Actions = listActions(view.Frame.CSRF, mailbox, list.Folders, view.ListURL)
	fillSearchSummary(ctx, view, mailbox, params)
}

// fillSearchSummary says what a searched or filtered list holds, with the
// way back to the whole list.
func fillSearchSummary(ctx context.Context, view *pages.MailboxView, mailbox string, params app.ListParams) {
	n := view.Matches
	switch {
	case !params.Search.Query.IsZero() && params.Threads:
		view.Searching = true
		view.SearchSummary = i18n.N(ctx, n, "%d conversation in %s matches %s.", "%d conversations in %s match %s.", n, view.Mailbox, describeSearch(ctx, params.Search))
	case !params.Search.Query.IsZero():
		view.Searching = true
		view.SearchSummary = i18n.N(ctx, n, "%d message in %s matches %s.", "%d messages in %s match %s.", n, view.Mailbox, describeSearch(ctx, params.Search))
	case params.Filter == app.FilterUnread && params.Threads:
		view.Searching = true
		view.SearchSummary = i18n.N(ctx, n, "%d conversation unread.", "%d conversations unread.")
	case params.Filter == app.FilterUnread:
		view.Searching = true
		view.SearchSummary = i18n.N(ctx, n, "%d message unread.", "%d messages unread.")
	case params.Filter == app.FilterFlagged && params.Threads:
		view.Searching = true
		view.SearchSummary = i18n.N(ctx, n, "%d conversation flagged.", "%d conversations flagged.")
	case params.Filter == app.FilterFlagged:
		view.Searching = true
		view.SearchSummary = i18n.N(ctx, n, "%d message flagged.", "%d messages flagged.")
	}
	if view.Searching {
		clear := params
		clear.Page, clear.Search, clear.Filter = 1, app.SearchFields{}, app.FilterAll
		view.ClearSearchURL = listURL(mailbox, clear)
	}
}
