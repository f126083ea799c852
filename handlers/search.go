package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/components"
	"github.com/webmail/webmail/templates/pages"
)

// searchMessages is the advanced search at GET /search: the form, prefilled
// from the query (mailbox=X chooses the folder, "" every folder), and, once
// submitted (run=1), the results. A search in one folder goes to that
// folder's list with the search fields (/mail/{mailbox}?q=...), which
// sorts, pages and acts like any list; a search in every folder shows the
// newest matches here.
func (s *Server) searchMessages(c echo.Context) error {
	mailbox := c.QueryParam("mailbox")
	in := app.SearchAllInput{Fields: searchInput(c.QueryParams()), Run: c.QueryParam("run") != ""}
	if fields, err := app.ParseSearch(in.Fields); in.Run && err == nil && !fields.Query.IsZero() && mailbox != "" {
		p := app.ListParams{Page: 1, Sort: app.SortDate, Desc: true, Search: fields}
		return c.Redirect(http.StatusSeeOther, listURL(mailbox, p))
	}
	res, err := s.App.SearchMessages(c.Request().Context(), currentSession(c), in)
	if err != nil {
		return err
	}
	view := pages.SearchView{
		Frame:    s.frame(c, "Search"),
		Folders:  folderItems(res.Folders, ""),
		Form:     searchFormView(res.Fields, mailbox, res.Folders),
		Searched: res.Searched,
		Status:   takeListStatus(c, s.isTLS(c)),
		ListURL:  c.Request().URL.RequestURI(),
		Error:    res.Hint,
	}
	status := http.StatusOK
	if res.Refused != nil {
		_, view.Error = appErrorText(c, res.Refused)
		status = appStatus[res.Refused.Code]
	}
	if res.Searched {
		fillSearchResults(c.Request().Context(), app.DisplayPrefsOf(currentSession(c)).Location(), &view, res.Folders, res.Results)
	}
	return render(c, status, pages.Search(view))
}

// searchFormView echoes the search fields into the form.
func searchFormView(p app.SearchFields, mailbox string, boxes []app.Mailbox) pages.ListSearchView {
	return pages.ListSearchView{
		Q: p.Q, From: p.From, To: p.To, Subject: p.Subject, Body: p.Body,
		Since: p.Since, Until: p.Until, Attachment: p.Attachment, Larger: p.Larger, Smaller: p.Smaller,
		Mailbox:   mailbox,
		Mailboxes: folderTargets(boxes, ""),
	}
}

// fillSearchResults turns the hits of every folder into rows with their
// folder, and says how many there were.
func fillSearchResults(ctx context.Context, loc *time.Location, view *pages.SearchView, boxes []app.Mailbox, res app.SearchMatches) {
	format := rowFormat{ctx: ctx, now: time.Now(), loc: loc, boxes: boxes}
	for _, hit := range res.Hits {
		row := summaryRow(hit.Mailbox, hit.Summary, format, true)
		row.Folder = app.DisplayName(boxes, hit.Mailbox)
		view.Messages = append(view.Messages, row)
	}
	view.Capped = res.Capped
	switch {
	case res.Capped:
		view.Summary = i18n.T(ctx, "Showing the newest %s of at least %s (%s searched). Narrow the search to see the rest.",
			i18n.N(ctx, len(res.Hits), "%d message", "%d messages"), i18n.N(ctx, res.Matches, "%d match", "%d matches"),
			i18n.N(ctx, res.Folders, "%d folder", "%d folders"))
	default:
		view.Summary = i18n.T(ctx, "%s found; %s searched.",
			i18n.N(ctx, len(res.Hits), "%d message", "%d messages"), i18n.N(ctx, res.Folders, "%d folder", "%d folders"))
	}
	for _, name := range res.Skipped {
		view.Skipped = append(view.Skipped, app.DisplayName(boxes, name))
	}
	view.Actions = components.ListActions{
		URL:       "/actions",
		CSRF:      view.Frame.CSRF,
		ReturnURL: view.ListURL,
		Targets:   folderTargets(boxes, ""),
	}
}

// searchURL is the advanced search page for a folder ("" for every
// folder) with the given search fields.
func searchURL(mailbox string, p app.SearchFields) string {
	v := url.Values{}
	if mailbox != "" {
		v.Set("mailbox", mailbox)
	}
	setSearch(v, p)
	return strings.TrimSuffix("/search?"+v.Encode(), "?")
}
