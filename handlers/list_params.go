package handlers

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// listQuery reads a message list's settings from the query string: page,
// sort, order, view, filter and the search fields (see app.ParseListQuery).
func listQuery(c echo.Context) app.ListQueryInput {
	return app.ListQueryInput{
		Page: c.QueryParam("page"), Sort: c.QueryParam("sort"), Order: c.QueryParam("order"),
		View: c.QueryParam("view"), Filter: c.QueryParam("filter"), Search: searchInput(c.QueryParams()),
	}
}

// searchInput reads the search fields: q, from, to, subject, body, since,
// until, attachment, larger and smaller.
func searchInput(v url.Values) app.SearchInput {
	return app.SearchInput{
		Q: v.Get("q"), From: v.Get("from"), To: v.Get("to"), Subject: v.Get("subject"), Body: v.Get("body"),
		Since: v.Get("since"), Until: v.Get("until"), Attachment: v.Get("attachment"),
		Larger: v.Get("larger"), Smaller: v.Get("smaller"),
	}
}

// setSearch writes the non-empty search fields into v.
func setSearch(v url.Values, s app.SearchFields) {
	for _, f := range []struct{ name, value string }{
		{"q", s.Q}, {"from", s.From}, {"to", s.To}, {"subject", s.Subject}, {"body", s.Body},
		{"since", s.Since}, {"until", s.Until}, {"larger", s.Larger}, {"smaller", s.Smaller},
	} {
		if f.value != "" {
			v.Set(f.name, f.value)
		}
	}
	if s.Attachment {
		v.Set("attachment", "1")
	}
}

// listValues is the query string for p, defaults left out.
func listValues(p app.ListParams) url.Values {
	v := url.Values{}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	d := p.Defaults.OrDefault()
	if p.Sort != d.Sort {
		v.Set("sort", string(p.Sort))
	}
	if p.Desc != d.Order(p.Sort) {
		if p.Desc {
			v.Set("order", "desc")
		} else {
			v.Set("order", "asc")
		}
	}
	if p.Threads != d.Threads {
		if p.Threads {
			v.Set("view", "threads")
		} else {
			v.Set("view", "messages")
		}
	}
	if p.Filter != app.FilterAll {
		v.Set("filter", string(p.Filter))
	}
	setSearch(v, p.Search)
	return v
}

// listURL is the list of mailbox with p's settings.
func listURL(mailbox string, p app.ListParams) string {
	u := mailboxURL(mailbox)
	if q := listValues(p).Encode(); q != "" {
		u += "?" + q
	}
	return u
}
