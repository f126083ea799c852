package app

import (
	"context"
	"strings"
	"time"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// ListMessagesInput asks for one page of a mailbox's list.
type ListMessagesInput struct {
	Mailbox string
	Query   ListQueryInput
}

// MessageList is one page of a mailbox's list.
type MessageList struct {
	// Params are the list's settings, read with the user's defaults.
	Params  ListParams
	Folders []mail.Mailbox
	// Flat is the page of the message view, Threads of the conversations
	// view (Params.Threads).
	Flat    mail.SortedPage
	Threads mail.ThreadPage
	// PastEnd is set when the page asked for is past the last one (its
	// last messages were moved away): the caller goes to page Pages.
	PastEnd bool
	// ReadingPane is where a wide screen opens a message: "right" or
	// "below" the list, "" for the message page (the "off" setting).
	ReadingPane string
	// TimeZone is the reader's, for the rows' dates.
	TimeZone *time.Location
}

// ListCounts are a list page's totals, whichever view it has.
type ListCounts struct {
	Total, Unseen uint32
	Pages         int
	Matches       int // messages or conversations over all pages
	// Approximate is a folder too large to sort or search completely.
	Approximate bool
}

// Counts are the page's totals.
func (l MessageList) Counts() ListCounts {
	if l.Params.Threads {
		t := l.Threads
		return ListCounts{t.Total, t.Unseen, t.Pages, t.Threads, t.Approximate}
	}
	f := l.Flat
	return ListCounts{f.Total, f.Unseen, f.Pages, f.Matches, f.Approximate}
}

// ListMessages returns a page of a mailbox's messages or conversations,
// sorted, filtered and searched as the query asks. Page size, and sort,
// order and view when the query leaves them out, are the user's settings.
func (a *App) ListMessages(ctx context.Context, sess *session.Session, in ListMessagesInput) (MessageList, error) {
	settings := a.listSettings(ctx, sess)
	params, err := ParseListQuery(in.Query, settings.ListDefaults())
	if err != nil {
		return MessageList{}, err
	}
	display := DisplayPrefsOf(sess)
	out := MessageList{Params: params, TimeZone: display.Location()}
	if display.ReadingPane != PaneOff {
		out.ReadingPane = display.ReadingPane
	}
	err = a.withIMAP(ctx, sess, func(client *mail.Client) error {
		var err error
		if out.Folders, err = a.sidebarFolders(ctx, sess, client); err != nil {
			return err
		}
		if params.Threads {
			out.Threads, err = client.ListThreads(ctx, in.Mailbox, params.query(settings.PageSize))
		} else {
			out.Flat, err = client.ListSorted(ctx, in.Mailbox, params.query(settings.PageSize))
		}
		if err == nil && display.ListPreview {
			lines := flatLines(&out.Flat)
			if params.Threads {
				lines = threadLines(&out.Threads)
			}
			a.fillPreviews(ctx, client, sess, in.Mailbox, 0, lines)
		}
		return err
	})
	if err != nil {
		return MessageList{}, err
	}
	counts := out.Counts()
	out.PastEnd = params.Page > counts.Pages && counts.Matches > 0
	return out, nil
}

// ShowsRecipients reports a folder of the user's own outgoing mail (Sent,
// Drafts, an Outbox), whose lists name whom each message is to: the
// sender would be the user on every line.
func ShowsRecipients(boxes []mail.Mailbox, name string) bool {
	switch SpecialUse(boxes, name) {
	case "sent", "drafts":
		return true
	}
	leaf := name
	for _, b := range boxes {
		if b.Name == name && b.Delimiter != 0 {
			leaf = name[strings.LastIndex(name, string(b.Delimiter))+1:]
		}
	}
	return strings.EqualFold(leaf, "Outbox")
}
