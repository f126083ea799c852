package mail

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// maxSearchWords bounds the words of a quick search, each of which adds
// four criteria to the server's work.
const maxSearchWords = 8

// SearchQuery is what a user searches for. Every field that is set must
// match; the zero value matches every message.
type SearchQuery struct {
	// Text is the quick search: every word must appear in From, To,
	// Subject or the body.
	Text string
	// From, To, Subject and Body each match their own part of the message.
	From, To, Subject, Body string
	// Since and Until bound the message's date, whole days, both
	// inclusive; the zero time leaves that end open.
	Since, Until time.Time
	// HasAttachment keeps messages with an attachment. IMAP cannot search
	// for that, so the server narrows by Content-Type and BODYSTRUCTURE
	// decides.
	HasAttachment bool
	// Larger and Smaller bound the size in bytes; 0 leaves it open.
	Larger, Smaller int64
}

// IsZero reports whether q matches every message.
func (q SearchQuery) IsZero() bool {
	return strings.TrimSpace(q.Text) == "" && strings.TrimSpace(q.From) == "" && strings.TrimSpace(q.To) == "" &&
		strings.TrimSpace(q.Subject) == "" && strings.TrimSpace(q.Body) == "" && q.Since.IsZero() && q.Until.IsZero() &&
		!q.HasAttachment && q.Larger <= 0 && q.Smaller <= 0
}

// criteria is the IMAP SEARCH key for q narrowed by filter.
func (q SearchQuery) criteria(filter Filter) *imap.SearchCriteria {
	c := &imap.SearchCriteria{}
	switch filter {
	case FilterUnread:
		c.NotFlag = append(c.NotFlag, imap.FlagSeen)
	case FilterFlagged:
		c.Flag = append(c.Flag, imap.FlagFlagged)
	}
	words := strings.Fields(q.Text)
	if len(words) > maxSearchWords {
		words = words[:maxSearchWords]
	}
	for _, w := range words {
		c.Or = append(c.Or, [2]imap.SearchCriteria{
			{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: w}}},
			{Or: [][2]imap.SearchCriteria{{
				{Header: []imap.SearchCriteriaHeaderField{{Key: "To", Value: w}}},
				{Or: [][2]imap.SearchCriteria{{
					{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: w}}},
					{Body: []string{w}},
				}}},
			}}},
		})
	}
	for _, field := range []struct{ key, value string }{{"From", q.From}, {"To", q.To}, {"Subject", q.Subject}} {
		if v := strings.TrimSpace(field.value); v != "" {
			c.Header = append(c.Header, imap.SearchCriteriaHeaderField{Key: field.key, Value: v})
		}
	}
	if v := strings.TrimSpace(q.Body); v != "" {
		c.Body = append(c.Body, v)
	}
	if !q.Since.IsZero() {
		c.SentSince = day(q.Since)
	}
	if !q.Until.IsZero() {
		c.SentBefore = day(q.Until).AddDate(0, 0, 1)
	}
	if q.Larger > 0 {
		c.Larger = q.Larger
	}
	if q.Smaller > 0 {
		c.Smaller = q.Smaller
	}
	if q.HasAttachment {
		// A superset of the messages with attachments: anything that is
		// not a single text part, or says "attachment". BODYSTRUCTURE
		// decides afterwards.
		contentType := func(v string) imap.SearchCriteria {
			return imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Content-Type", Value: v}}}
		}
		either := contentType("multipart/")
		for _, v := range []string{"application/", "image/", "audio/", "video/", "message/"} {
			either = imap.SearchCriteria{Or: [][2]imap.SearchCriteria{{either, contentType(v)}}}
		}
		disposition := imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Content-Disposition", Value: "attachment"}}}
		c.Or = append(c.Or, [2]imap.SearchCriteria{either, disposition})
	}
	return c
}

// day is the calendar day of t as IMAP dates mean it.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// SearchHit is one message found by SearchAll.
type SearchHit struct {
	Mailbox string
	// UIDValidity is the mailbox's, as the search's SELECT reported it:
	// with the UID, a key for what never changes (a preview).
	UIDValidity uint32
	Summary
}

// SearchResults are the messages SearchAll found, newest first.
type SearchResults struct {
	Hits []SearchHit
	// Matches counts every match found, also those beyond the limit.
	Matches int
	// Capped reports that more messages matched than Hits holds, or that
	// a folder was too large to check completely.
	Capped bool
	// Folders is the number of folders searched.
	Folders int
	// Skipped names folders the server would not search (they vanished
	// or we lack the rights); the rest were still searched.
	Skipped []string
}

// SearchAll searches every selectable mailbox for q and returns up to limit
// hits, newest first. Each mailbox is searched with UID SEARCH (UID SORT
// by date where the server has SORT); from each, only the newest limit
// matches are fetched, so the work stays bounded by folders × limit.
func (c *Client) SearchAll(ctx context.Context, q SearchQuery, limit int) (SearchResults, error) {
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	boxes, err := c.Mailboxes(ctx)
	if err != nil {
		return SearchResults{}, err
	}
	res := SearchResults{Hits: []SearchHit{}}
	for _, box := range boxes {
		if box.NoSelect {
			continue
		}
		hits, matches, capped, err := c.searchMailbox(ctx, box.Name, q, limit)
		if errors.Is(err, ErrNotFound) {
			res.Skipped = append(res.Skipped, box.Name)
			continue
		}
		if err != nil {
			return SearchResults{}, err
		}
		res.Folders++
		res.Matches += matches
		res.Capped = res.Capped || capped
		res.Hits = append(res.Hits, hits...)
	}
	slices.SortStableFunc(res.Hits, func(a, b SearchHit) int { return b.Date.Compare(a.Date) })
	if len(res.Hits) > limit {
		res.Hits = res.Hits[:limit]
		res.Capped = true
	}
	if res.Matches > len(res.Hits) {
		res.Capped = true
	}
	return res, nil
}

// searchMailbox finds the newest limit matches of q in mailbox.
func (c *Client) searchMailbox(ctx context.Context, mailbox string, q SearchQuery, limit int) (hits []SearchHit, matches int, capped bool, err error) {
	total, err := c.selectMailbox(ctx, mailbox)
	if err != nil {
		// NO to SELECT (ErrNotFound): gone or no rights; the caller skips it.
		return nil, 0, false, err
	}
	if total == 0 {
		return nil, 0, false, nil
	}
	// Newest first: by date where the server sorts, by arrival otherwise
	// (the merge below sorts the hits by date).
	query := ListQuery{Sort: SortArrival, Descending: true, Search: q}
	if c.imap.Caps().Has(imap.CapSort) {
		query.Sort = SortDate
	}
	query.Search.HasAttachment = false
	order, err := c.orderedUIDs(ctx, mailbox, query, total)
	if err != nil {
		return nil, 0, false, err
	}
	uids := order.uids
	matches = len(uids)
	if q.HasAttachment {
		kept, complete, err := c.keepWithAttachments(ctx, mailbox, uids, limit)
		if err != nil {
			return nil, 0, false, err
		}
		// Stopping at limit hits leaves the rest unchecked: the count is
		// then a lower bound.
		capped = !complete
		matches = len(kept)
		uids = kept
	}
	if len(uids) > limit {
		uids = uids[:limit]
	}
	summaries, err := c.fetchSummaries(ctx, mailbox, uids, mailboxState{})
	if err != nil {
		return nil, 0, false, err
	}
	for _, s := range summaries {
		hits = append(hits, SearchHit{Mailbox: mailbox, UIDValidity: c.uidValidity, Summary: s})
	}
	return hits, matches, capped, nil
}
