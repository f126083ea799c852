package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
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
	view.Columns = sortColumns(mailbox, params)
	view.Views = viewLinks(mailbox, params)
	view.Filters = filterLinks(mailbox, params)
	view.Search = quickSearch(mailbox, params)
	view.Status = takeListStatus(c, s.isTLS(c))
	view.Actions = listActions(view.Frame.CSRF, mailbox, list.Folders, view.ListURL)
	fillSearchSummary(view, mailbox, params)
}

// fillSearchSummary says what a searched or filtered list holds, with the
// way back to the whole list.
func fillSearchSummary(view *pages.MailboxView, mailbox string, params app.ListParams) {
	noun := "message"
	if params.Threads {
		noun = "conversation"
	}
	if !params.Search.Query.IsZero() {
		view.Searching = true
		verb := " match "
		if view.Matches == 1 {
			verb = " matches "
		}
		view.SearchSummary = app.CountNoun(view.Matches, noun) + " in " + view.Mailbox + verb + describeSearch(params.Search) + "."
	} else if params.Filter != app.FilterAll {
		view.Searching = true
		view.SearchSummary = app.CountNoun(view.Matches, noun) + " " + string(params.Filter) + "."
	}
	if view.Searching {
		clear := params
		clear.Page, clear.Search, clear.Filter = 1, app.SearchFields{}, app.FilterAll
		view.ClearSearchURL = listURL(mailbox, clear)
	}
}
