package handlers

import (
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/templates/pages"
)

// conversationAsked reports a message page asked with its conversation
// (?thread=1).
func conversationAsked(c echo.Context) bool {
	return c.QueryParam("thread") == "1"
}

// conversationView folds the other messages of a conversation around the
// message shown (uid): those before it and those after, each a header
// line linking to its page and to its body document, which the page
// loads only when the line is opened.
func (s *Server) conversationView(c echo.Context, mailbox string, uid uint32, conv []app.MessageSummary, loc *time.Location) *pages.ConversationView {
	view := &pages.ConversationView{}
	now := time.Now()
	ctx := c.Request().Context()
	after := false
	for _, m := range conv {
		if m.UID == uid {
			after = true
			continue
		}
		when := shownTime(ctx, m.Date, now, loc)
		base := messageURL(mailbox, m.UID)
		item := pages.ConversationItem{
			From:      senderName(m.From),
			Date:      when.Long,
			DateTitle: when.Full,
			DateISO:   when.ISO,
			Snippet:   subjectOrPlaceholder(m.Subject),
			Unread:    !m.Seen,
			URL:       base + "?thread=1",
			BodyURL:   base + "/body",
		}
		if after {
			view.After = append(view.After, item)
		} else {
			view.Before = append(view.Before, item)
		}
	}
	return view
}

// toggledQuery is the current page's URL with name=value switched: added
// when absent, removed when present. The one-shot "done" status is left
// out.
func toggledQuery(c echo.Context, name, value string) string {
	q := c.Request().URL.Query()
	q.Del("done")
	if q.Get(name) == value {
		q.Del(name)
	} else {
		q.Set(name, value)
	}
	path := c.Request().URL.EscapedPath()
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// withQuery adds name=value to a URL of ours.
func withQuery(u, name, value string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + url.QueryEscape(name) + "=" + url.QueryEscape(value)
}
