package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/templates/pages"
)

// searchAllLimit caps the results of a search in every folder.
const searchAllLimit = 100

// searchMessages is the advanced search at GET /search: the form, prefilled
// from the query (mailbox=X chooses the folder, "" every folder), and, once
// submitted (run=1), the results. A search in one folder goes to that
// folder's list with the search fields (/mail/{mailbox}?q=...), which
// sorts, pages and acts like any list; a search in every folder shows the
// newest searchAllLimit matches here.
func (s *Server) searchMessages(c echo.Context) error {
	mailbox := c.QueryParam("mailbox")
	run := c.QueryParam("run") != ""
	params, perr := parseSearchParams(c.QueryParams())
	if run && perr == nil && !params.query.IsZero() && mailbox != "" {
		p := listParams{page: 1, sort: mail.SortDate, desc: true, search: params}
		return c.Redirect(http.StatusSeeOther, p.url(mailbox))
	}
	var (
		boxes   []mail.Mailbox
		results mail.SearchResults
	)
	searching := run && perr == nil && !params.query.IsZero()
	err := s.withIMAP(c, func(client *mail.Client) error {
		ctx := c.Request().Context()
		var err error
		if searching {
			if results, err = client.SearchAll(ctx, params.query, searchAllLimit); err != nil {
				return err
			}
		}
		boxes, err = client.Mailboxes(ctx)
		return err
	})
	if err != nil {
		return err
	}
	view := pages.SearchView{
		Frame:    s.frame(c, "Search"),
		Folders:  folderItems(boxes, ""),
		Form:     searchFormView(params, mailbox, boxes),
		Searched: searching,
		Status:   takeListStatus(c, s.isTLS(c)),
		ListURL:  c.Request().URL.RequestURI(),
	}
	status := http.StatusOK
	var ue *UserError
	switch {
	case errors.As(perr, &ue):
		view.Error, status = ue.Message, ue.Status
	case run && params.query.IsZero():
		view.Error = "Enter something to search for: words, a sender, a date or a size."
	}
	if searching {
		s.fillSearchResults(c, &view, boxes, results)
	}
	return render(c, status, pages.Search(view))
}

// searchFormView echoes the search fields into the form.
func searchFormView(p searchParams, mailbox string, boxes []mail.Mailbox) pages.ListSearchView {
	return pages.ListSearchView{
		Q: p.q, From: p.from, To: p.to, Subject: p.subject, Body: p.body,
		Since: p.since, Until: p.until, Attachment: p.attachment, Larger: p.larger, Smaller: p.smaller,
		Mailbox:   mailbox,
		Mailboxes: folderTargets(boxes, ""),
	}
}

// fillSearchResults turns the hits of every folder into rows with their
// folder, and says how many there were.
func (s *Server) fillSearchResults(c echo.Context, view *pages.SearchView, boxes []mail.Mailbox, res mail.SearchResults) {
	now := time.Now()
	for _, hit := range res.Hits {
		row := summaryRow(hit.Mailbox, hit.Summary, now, true)
		row.Folder = app.DisplayName(boxes, hit.Mailbox)
		view.Messages = append(view.Messages, row)
	}
	view.Capped = res.Capped
	switch {
	case res.Capped:
		view.Summary = "Showing the newest " + app.CountNoun(len(res.Hits), "message") + " of at least " + app.CountNoun(res.Matches, "match") +
			" (" + app.CountNoun(res.Folders, "folder") + " searched). Narrow the search to see the rest."
	default:
		view.Summary = app.CountNoun(len(res.Hits), "message") + " found; " + app.CountNoun(res.Folders, "folder") + " searched."
	}
	for _, name := range res.Skipped {
		view.Skipped = append(view.Skipped, app.DisplayName(boxes, name))
	}
	view.Actions = pages.ListActions{
		URL:       "/actions",
		CSRF:      view.Frame.CSRF,
		ReturnURL: view.ListURL,
		Targets:   folderTargets(boxes, ""),
	}
}

// searchURL is the advanced search page for a folder ("" for every
// folder) with the given search fields.
func searchURL(mailbox string, p searchParams) string {
	v := url.Values{}
	if mailbox != "" {
		v.Set("mailbox", mailbox)
	}
	p.set(v)
	return strings.TrimSuffix("/search?"+v.Encode(), "?")
}
