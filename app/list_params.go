package app

import (
	"strconv"
	"strings"
	"time"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/mail"
)

// ListQueryInput is a message list's settings as the query string gives
// them: page, sort, order ("asc", "desc"), view ("messages", "threads"),
// filter ("unread", "flagged") and the search fields. Empty means "not
// given".
type ListQueryInput struct {
	Page, Sort, Order, View, Filter string
	Search                          SearchInput
}

// SearchInput is the search fields as typed: Q (quick search: from, to,
// subject or body), From, To, Subject, Body, Since and Until (YYYY-MM-DD,
// inclusive), Attachment (any value but "" or "0"), Larger and Smaller
// (KB).
type SearchInput struct {
	Q, From, To, Subject, Body string
	Since, Until               string
	Attachment                 string
	Larger, Smaller            string
}

// ListParams are a message list's settings, read: unknown values of sort,
// order, view and filter fell back to the defaults.
type ListParams struct {
	Page    int
	Sort    mail.SortKey
	Desc    bool
	Threads bool
	Filter  mail.Filter
	Search  SearchFields

	// Defaults are what the list shows without sort, order and view in
	// the query: the user's settings. URLs leave out what matches them.
	// The zero value means the built-in defaults.
	Defaults ListDefaults
}

// ListDefaults are a list's sort, order and view when the query does not
// say: date, newest first, messages unless the user chose otherwise on the
// settings page.
type ListDefaults struct {
	Sort    mail.SortKey // "" for the built-in defaults
	Desc    bool
	Threads bool
}

// OrDefault is d, or the built-in defaults when d is the zero value.
func (d ListDefaults) OrDefault() ListDefaults {
	if d.Sort == "" {
		return ListDefaults{Sort: mail.SortDate, Desc: true}
	}
	return d
}

// Order is whether a list sorted by key is descending without ?order: the
// user's order for their default key, the column's own for the others.
func (d ListDefaults) Order(key mail.SortKey) bool {
	if key == d.Sort {
		return d.Desc
	}
	return DefaultDescending(key)
}

// SearchFields are the search fields as typed (trimmed and bounded), kept
// for the form and the URLs, with the parsed query.
type SearchFields struct {
	Q, From, To, Subject, Body string
	Since, Until               string // YYYY-MM-DD
	Attachment                 bool
	Larger, Smaller            string // KB
	Query                      mail.SearchQuery
}

// DefaultDescending is the order a column starts in: newest and largest
// first, names and subjects A to Z.
func DefaultDescending(key mail.SortKey) bool {
	return key == mail.SortDate || key == mail.SortSize || key == mail.SortArrival
}

// maxSearchField bounds one search field, which goes to the IMAP server.
const maxSearchField = 200

// ParseListQuery reads a list's settings; what the query leaves out comes
// from defaults. A page number or search field that cannot be read is a
// CodeInvalid *Error.
func ParseListQuery(in ListQueryInput, defaults ListDefaults) (ListParams, error) {
	defaults = defaults.OrDefault()
	p := ListParams{Page: 1, Sort: defaults.Sort, Threads: defaults.Threads, Defaults: defaults}
	if in.Page != "" {
		n, err := strconv.Atoi(in.Page)
		if err != nil || n < 1 || n > 1_000_000 {
			return p, Invalid("Bad page number", "That page number is not valid.")
		}
		p.Page = n
	}
	switch in.View {
	case "threads":
		p.Threads = true
	case "messages":
		p.Threads = false
	}
	switch key := mail.SortKey(in.Sort); key {
	case mail.SortDate, mail.SortFrom, mail.SortSubject, mail.SortSize, mail.SortArrival:
		p.Sort = key
	default:
		if p.Threads {
			// Conversations are ordered by date only: a default sort
			// by sender must not turn them oldest first.
			p.Sort = mail.SortDate
		}
	}
	switch in.Order {
	case "asc":
		p.Desc = false
	case "desc":
		p.Desc = true
	default:
		p.Desc = defaults.Order(p.Sort)
	}
	switch f := mail.Filter(in.Filter); f {
	case mail.FilterUnread, mail.FilterFlagged:
		p.Filter = f
	}
	var err error
	p.Search, err = ParseSearch(in.Search)
	return p, err
}

// ParseSearch reads the search fields. A date or size that cannot be read
// is a CodeInvalid *Error; the fields come back as typed either way.
func ParseSearch(in SearchInput) (SearchFields, error) {
	field := func(v string) string {
		v = strings.TrimSpace(v)
		if len(v) > maxSearchField {
			v = v[:maxSearchField]
		}
		return strings.ToValidUTF8(v, "")
	}
	s := SearchFields{
		Q: field(in.Q), From: field(in.From), To: field(in.To), Subject: field(in.Subject), Body: field(in.Body),
		Since: field(in.Since), Until: field(in.Until), Larger: field(in.Larger), Smaller: field(in.Smaller),
		Attachment: in.Attachment != "" && in.Attachment != "0",
	}
	s.Query = mail.SearchQuery{Text: s.Q, From: s.From, To: s.To, Subject: s.Subject, Body: s.Body, HasAttachment: s.Attachment}
	for _, d := range []struct {
		value   string
		refusal string
		into    *time.Time
	}{
		{s.Since, i18n.Mark("The from date is not valid. Please use the form YYYY-MM-DD, for example 2024-03-31."), &s.Query.Since},
		{s.Until, i18n.Mark("The until date is not valid. Please use the form YYYY-MM-DD, for example 2024-03-31."), &s.Query.Until},
	} {
		if d.value == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.value)
		if err != nil {
			return s, Invalid("Bad date", d.refusal)
		}
		*d.into = t
	}
	if !s.Query.Since.IsZero() && !s.Query.Until.IsZero() && s.Query.Until.Before(s.Query.Since) {
		return s, Invalid("Bad dates", "The until date is before the from date.")
	}
	for _, n := range []struct {
		value string
		into  *int64
	}{{s.Larger, &s.Query.Larger}, {s.Smaller, &s.Query.Smaller}} {
		if n.value == "" {
			continue
		}
		kb, err := strconv.ParseInt(n.value, 10, 64)
		if err != nil || kb < 0 || kb > 1<<30 {
			return s, Invalid("Bad size", "A size must be a whole number of kilobytes, like 500.")
		}
		*n.into = kb * 1000
	}
	return s, nil
}

// query is the mail query for p.
func (p ListParams) query(pageSize int) mail.ListQuery {
	return mail.ListQuery{Sort: p.Sort, Descending: p.Desc, Filter: p.Filter, Search: p.Search.Query, Page: p.Page, PageSize: pageSize}
}
