package handlers

import (
	"context"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/components"
	"github.com/webmail/webmail/templates/pages"
)

// rowFormat is how the rows of one list are drawn: in the request's
// language and the reader's time zone, at one moment for every row.
type rowFormat struct {
	ctx context.Context
	now time.Time
	loc *time.Location
	// boxes tells which folders hold the user's own outgoing mail, whose
	// rows name the recipients (app.ShowsRecipients).
	boxes []app.Mailbox
}

// summaryRow is one line of a message list. With crossFolder the row names
// its folder and its checkbox carries the folder too.
func summaryRow(mailbox string, m app.MessageSummary, f rowFormat, crossFolder bool) components.MessageRow {
	when := shownTime(f.ctx, m.Date, f.now, f.loc)
	row := components.MessageRow{
		URL:        messageURL(mailbox, m.UID),
		From:       senderName(m.From),
		Subject:    subjectOrPlaceholder(m.Subject),
		Date:       when.Short,
		DateTitle:  when.Full,
		DateISO:    when.ISO,
		Size:       formatSize(m.Size),
		Unread:     !m.Seen,
		Flagged:    m.Flagged,
		Answered:   m.Answered,
		Attachment: m.HasAttachments,
		Preview:    m.Preview,
		UID:        m.UID,
		Select:     strconv.FormatUint(uint64(m.UID), 10),
		SelectName: "uid",
	}
	if app.ShowsRecipients(f.boxes, mailbox) {
		row.From = recipientNames(f.ctx, m.To)
		row.ToRecipients = true
	}
	if crossFolder {
		row.Select = url.PathEscape(mailbox) + "/" + row.Select
		row.SelectName = "msg"
		row.FolderURL = mailboxURL(mailbox)
	}
	return row
}

// recipientNames is "To: Ann, Bob" for a row of the user's own mail: the
// short name of each recipient, as senderName gives the sender's.
func recipientNames(ctx context.Context, to []app.Address) string {
	if len(to) == 0 {
		return i18n.T(ctx, "To: (no recipients)")
	}
	names := make([]string, 0, len(to))
	for _, a := range to {
		names = append(names, senderName([]app.Address{a}))
	}
	return i18n.T(ctx, "To: %s", strings.Join(names, ", "))
}

// threadRows flattens conversations into rows: the first message of each
// carries the conversation's size, replies their depth.
func threadRows(mailbox string, convs []app.Conversation, f rowFormat) []components.MessageRow {
	var rows []components.MessageRow
	for _, conv := range convs {
		id := "t" + strconv.FormatUint(uint64(conv.Messages[0].UID), 10)
		for i, m := range conv.Messages {
			row := summaryRow(mailbox, m.Summary, f, false)
			row.Depth = m.Depth
			row.ThreadID = id
			if i == 0 {
				row.ThreadSize = conv.Size
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// sortColumns are the clickable column headers of a list. In the
// conversations view only the date sorts (by latest activity).
func sortColumns(ctx context.Context, mailbox string, p app.ListParams) []components.SortColumn {
	columns := []components.SortColumn{
		{Label: i18n.T(ctx, "From"), Key: string(app.SortFrom), Class: "col-from"},
		{Label: i18n.T(ctx, "Subject"), Key: string(app.SortSubject), Class: "col-subject"},
		{Label: i18n.T(ctx, "Date"), Key: string(app.SortDate), Class: "col-date"},
		{Label: i18n.T(ctx, "Size"), Key: string(app.SortSize), Class: "col-size"},
	}
	for i := range columns {
		col := &columns[i]
		key := app.SortKey(col.Key)
		if p.Threads && key != app.SortDate {
			continue
		}
		next := p
		next.Page = 1
		col.Active = p.Sort == key || (p.Threads && key == app.SortDate)
		if col.Active {
			col.Descending = p.Desc
			next.Desc = !p.Desc
		} else {
			next.Sort = key
			next.Desc = app.DefaultDescending(key)
		}
		if p.Threads {
			next.Sort = app.SortDate
		}
		col.URL = listURL(mailbox, next)
	}
	return columns
}

// viewLinks switch between the flat list and conversations.
func viewLinks(ctx context.Context, mailbox string, p app.ListParams) []pages.ListLink {
	flat, threads := p, p
	flat.Threads, threads.Threads = false, true
	flat.Page, threads.Page = 1, 1
	return []pages.ListLink{
		{Label: i18n.T(ctx, "Messages"), URL: listURL(mailbox, flat), Current: !p.Threads, TestID: "view-messages"},
		{Label: i18n.T(ctx, "Conversations"), URL: listURL(mailbox, threads), Current: p.Threads, TestID: "view-threads"},
	}
}

// filterLinks are the quick filters.
func filterLinks(ctx context.Context, mailbox string, p app.ListParams) []pages.ListLink {
	var links []pages.ListLink
	for _, f := range []struct {
		filter app.Filter
		label  string
	}{{app.FilterAll, i18n.T(ctx, "All")}, {app.FilterUnread, i18n.T(ctx, "Unread")}, {app.FilterFlagged, i18n.T(ctx, "Flagged")}} {
		next := p
		next.Filter, next.Page = f.filter, 1
		id := "filter-all"
		if f.filter != app.FilterAll {
			id = "filter-" + string(f.filter)
		}
		links = append(links, pages.ListLink{Label: f.label, URL: listURL(mailbox, next), Current: p.Filter == f.filter, TestID: id})
	}
	return links
}

// quickSearch is the search box above a mailbox's list: it searches this
// folder and keeps the view, order and filter.
func quickSearch(mailbox string, p app.ListParams) pages.SearchBox {
	box := pages.SearchBox{Action: mailboxURL(mailbox), Query: p.Search.Q}
	kept := p
	kept.Page, kept.Search = 1, app.SearchFields{}
	values := listValues(kept)
	for _, name := range slices.Sorted(maps.Keys(values)) {
		box.Hidden = append(box.Hidden, pages.HiddenField{Name: name, Value: values.Get(name)})
	}
	box.AdvancedURL = searchURL(mailbox, p.Search)
	return box
}

// describeSearch says in words what a search looks for.
func describeSearch(ctx context.Context, s app.SearchFields) string {
	var parts []string
	if s.Q != "" {
		parts = append(parts, i18n.T(ctx, "“%s”", s.Q))
	}
	if s.From != "" {
		parts = append(parts, i18n.T(ctx, "from “%s”", s.From))
	}
	if s.To != "" {
		parts = append(parts, i18n.T(ctx, "to “%s”", s.To))
	}
	if s.Subject != "" {
		parts = append(parts, i18n.T(ctx, "subject “%s”", s.Subject))
	}
	if s.Body != "" {
		parts = append(parts, i18n.T(ctx, "body “%s”", s.Body))
	}
	switch {
	case s.Since != "" && s.Until != "":
		parts = append(parts, i18n.T(ctx, "dated %s to %s", s.Since, s.Until))
	case s.Since != "":
		parts = append(parts, i18n.T(ctx, "dated %s or later", s.Since))
	case s.Until != "":
		parts = append(parts, i18n.T(ctx, "dated %s or earlier", s.Until))
	}
	if s.Attachment {
		parts = append(parts, i18n.T(ctx, "with attachments"))
	}
	if s.Larger != "" {
		parts = append(parts, i18n.T(ctx, "larger than %s KB", s.Larger))
	}
	if s.Smaller != "" {
		parts = append(parts, i18n.T(ctx, "smaller than %s KB", s.Smaller))
	}
	return strings.Join(parts, i18n.T(ctx, ", "))
}

// folderTargets are the folders messages can be moved or copied to: every
// selectable one but current, by full name (the message page and the
// lists offer the same menu).
func folderTargets(boxes []app.Mailbox, current string) []components.FolderOption {
	var out []components.FolderOption
	for _, b := range boxes {
		if b.NoSelect || b.Name == current {
			continue
		}
		out = append(out, components.FolderOption{Value: b.Name, Label: app.FolderPath(b), Special: b.SpecialUse})
	}
	return out
}

// listActions fills the action form of a list of mailbox's messages.
func listActions(csrf, mailbox string, boxes []app.Mailbox, returnURL string) components.ListActions {
	use := app.SpecialUse(boxes, mailbox)
	return components.ListActions{
		URL:       mailboxURL(mailbox) + "/actions",
		CSRF:      csrf,
		ReturnURL: returnURL,
		InTrash:   use == "trash",
		InJunk:    use == "junk",
		InArchive: use == "archive",
		CanEmpty:  use == "trash" || use == "junk",
		Mailbox:   app.DisplayName(boxes, mailbox),
		Targets:   folderTargets(boxes, mailbox),

		RefreshURL: returnURL,
	}
}
