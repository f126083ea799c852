package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
)

// listParams are a message list's settings from its query string:
// page, sort, order, view, filter and the search fields. Unknown values of
// sort, order, view and filter fall back to the defaults; a page number or
// search field that cannot be read is an error the user sees.
type listParams struct {
	page    int
	sort    mail.SortKey
	desc    bool
	threads bool // view=threads
	filter  mail.Filter
	search  searchParams

	// defaults are what the list shows without sort, order and view in
	// the query: the user's settings. URLs leave out what matches them.
	// The zero value means the built-in defaults.
	defaults listDefaults
}

// listDefaults are a list's sort, order and view when the query does not
// say: date, newest first, messages unless the user chose otherwise on the
// settings page.
type listDefaults struct {
	sort    mail.SortKey // "" for the built-in defaults
	desc    bool
	threads bool
}

// builtinListDefaults are the defaults of a user without settings.
func builtinListDefaults() listDefaults {
	return listDefaults{sort: mail.SortDate, desc: true}
}

// orDefault is d, or the built-in defaults when d is the zero value.
func (d listDefaults) orDefault() listDefaults {
	if d.sort == "" {
		return builtinListDefaults()
	}
	return d
}

// order is whether a list sorted by key is descending without ?order: the
// user's order for their default key, the column's own for the others.
func (d listDefaults) order(key mail.SortKey) bool {
	if key == d.sort {
		return d.desc
	}
	return defaultDescending(key)
}

// searchParams are the search fields as typed, kept for the form and the
// URLs, with the parsed query.
type searchParams struct {
	q, from, to, subject, body string
	since, until               string // YYYY-MM-DD
	attachment                 bool
	larger, smaller            string // KB
	query                      mail.SearchQuery
}

// defaultDescending is the order a column starts in: newest and largest
// first, names and subjects A to Z.
func defaultDescending(key mail.SortKey) bool {
	return key == mail.SortDate || key == mail.SortSize || key == mail.SortArrival
}

// maxSearchField bounds one search field, which goes to the IMAP server.
const maxSearchField = 200

// parseListParams reads the list settings from the request; what the
// query leaves out comes from defaults.
func parseListParams(c echo.Context, defaults listDefaults) (listParams, error) {
	defaults = defaults.orDefault()
	p := listParams{page: 1, sort: defaults.sort, threads: defaults.threads, defaults: defaults}
	if v := c.QueryParam("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return p, &UserError{Status: http.StatusBadRequest, Title: "Bad page number", Message: "That page number is not valid."}
		}
		p.page = n
	}
	switch c.QueryParam("view") {
	case "threads":
		p.threads = true
	case "messages":
		p.threads = false
	}
	switch key := mail.SortKey(c.QueryParam("sort")); key {
	case mail.SortDate, mail.SortFrom, mail.SortSubject, mail.SortSize, mail.SortArrival:
		p.sort = key
	default:
		if p.threads {
			// Conversations are ordered by date only: a default sort
			// by sender must not turn them oldest first.
			p.sort = mail.SortDate
		}
	}
	switch c.QueryParam("order") {
	case "asc":
		p.desc = false
	case "desc":
		p.desc = true
	default:
		p.desc = defaults.order(p.sort)
	}
	switch f := mail.Filter(c.QueryParam("filter")); f {
	case mail.FilterUnread, mail.FilterFlagged:
		p.filter = f
	}
	var err error
	p.search, err = parseSearchParams(c.QueryParams())
	return p, err
}

// parseSearchParams reads the search fields: q (quick search: from, to,
// subject or body), from, to, subject, body, since and until (YYYY-MM-DD,
// inclusive), attachment (any value but "" or "0"), larger and smaller (KB).
func parseSearchParams(values url.Values) (searchParams, error) {
	field := func(name string) string {
		v := strings.TrimSpace(values.Get(name))
		if len(v) > maxSearchField {
			v = v[:maxSearchField]
		}
		return strings.ToValidUTF8(v, "")
	}
	s := searchParams{
		q: field("q"), from: field("from"), to: field("to"), subject: field("subject"), body: field("body"),
		since: field("since"), until: field("until"), larger: field("larger"), smaller: field("smaller"),
		attachment: values.Get("attachment") != "" && values.Get("attachment") != "0",
	}
	s.query = mail.SearchQuery{Text: s.q, From: s.from, To: s.to, Subject: s.subject, Body: s.body, HasAttachment: s.attachment}
	for _, d := range []struct {
		value string
		label string
		into  *time.Time
	}{{s.since, "from", &s.query.Since}, {s.until, "until", &s.query.Until}} {
		if d.value == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.value)
		if err != nil {
			return s, &UserError{Status: http.StatusBadRequest, Title: "Bad date",
				Message: "The " + d.label + " date is not valid. Please use the form YYYY-MM-DD, for example 2024-03-31."}
		}
		*d.into = t
	}
	if !s.query.Since.IsZero() && !s.query.Until.IsZero() && s.query.Until.Before(s.query.Since) {
		return s, &UserError{Status: http.StatusBadRequest, Title: "Bad dates", Message: "The until date is before the from date."}
	}
	for _, n := range []struct {
		value string
		into  *int64
	}{{s.larger, &s.query.Larger}, {s.smaller, &s.query.Smaller}} {
		if n.value == "" {
			continue
		}
		kb, err := strconv.ParseInt(n.value, 10, 64)
		if err != nil || kb < 0 || kb > 1<<30 {
			return s, &UserError{Status: http.StatusBadRequest, Title: "Bad size",
				Message: "A size must be a whole number of kilobytes, like 500."}
		}
		*n.into = kb * 1000
	}
	return s, nil
}

// set writes the non-empty search fields into v.
func (s searchParams) set(v url.Values) {
	for _, f := range []struct{ name, value string }{
		{"q", s.q}, {"from", s.from}, {"to", s.to}, {"subject", s.subject}, {"body", s.body},
		{"since", s.since}, {"until", s.until}, {"larger", s.larger}, {"smaller", s.smaller},
	} {
		if f.value != "" {
			v.Set(f.name, f.value)
		}
	}
	if s.attachment {
		v.Set("attachment", "1")
	}
}

// values is the query string for p, defaults left out.
func (p listParams) values() url.Values {
	v := url.Values{}
	if p.page > 1 {
		v.Set("page", strconv.Itoa(p.page))
	}
	d := p.defaults.orDefault()
	if p.sort != d.sort {
		v.Set("sort", string(p.sort))
	}
	if p.desc != d.order(p.sort) {
		if p.desc {
			v.Set("order", "desc")
		} else {
			v.Set("order", "asc")
		}
	}
	if p.threads != d.threads {
		if p.threads {
			v.Set("view", "threads")
		} else {
			v.Set("view", "messages")
		}
	}
	if p.filter != mail.FilterAll {
		v.Set("filter", string(p.filter))
	}
	p.search.set(v)
	return v
}

// url is the list of mailbox with p's settings.
func (p listParams) url(mailbox string) string {
	u := mailboxURL(mailbox)
	if q := p.values().Encode(); q != "" {
		u += "?" + q
	}
	return u
}

// query is the mail query for p.
func (p listParams) query(pageSize int) mail.ListQuery {
	return mail.ListQuery{Sort: p.sort, Descending: p.desc, Filter: p.filter, Search: p.search.query, Page: p.page, PageSize: pageSize}
}
