package mail

import (
	"context"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// wholeMailboxByArrival reports whether q lists every message in arrival
// order: sequence numbers are that order, so the page can be fetched by
// them without asking the server to search or sort.
func wholeMailboxByArrival(q ListQuery) bool {
	return q.Sort == SortArrival && q.Filter == FilterAll && q.Search.IsZero()
}

// arrivalPage fetches page q.Page of the selected mailbox (holding total
// messages) in arrival order, by sequence numbers: one FETCH, whatever the
// mailbox's size.
func (c *Client) arrivalPage(ctx context.Context, mailbox string, q ListQuery, total uint32) ([]Summary, error) {
	lo := uint32((q.Page - 1) * q.PageSize)
	hi := min(lo+uint32(q.PageSize), total)
	first, last := lo+1, hi // ascending: the oldest first
	if q.Descending {
		first, last = total-hi+1, total-lo
	}
	var set imap.SeqSet
	set.AddRange(first, last)
	options := listFetchOptions()
	type row struct {
		seq     uint32
		summary Summary
	}
	var rows []row
	err := c.fetchEach(ctx, "list messages in "+mailbox, set, options, func(m *imapclient.FetchMessageBuffer) {
		if line, ok := listLine(m); ok {
			rows = append(rows, row{m.SeqNum, line})
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b row) int {
		if q.Descending {
			return int(b.seq) - int(a.seq)
		}
		return int(a.seq) - int(b.seq)
	})
	out := make([]Summary, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.summary)
	}
	return out, nil
}
