package mail

import (
	"context"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// SortKey is the order of a message list.
type SortKey string

// The orders a list can have. SortDate is the default.
const (
	SortDate    SortKey = "date"    // the Date header, else the arrival time
	SortFrom    SortKey = "from"    // the first sender's display name, else address
	SortSubject SortKey = "subject" // the subject without Re:/Fwd: prefixes
	SortSize    SortKey = "size"    // the message size
	SortArrival SortKey = "arrival" // the order messages arrived in the mailbox
)

// Filter narrows a list to some messages.
type Filter string

// Quick filters; FilterAll (the zero value) keeps every message.
const (
	FilterAll     Filter = ""
	FilterUnread  Filter = "unread"
	FilterFlagged Filter = "flagged"
)

// Bounds on the work done for servers without SORT and THREAD, and for
// searches the server cannot answer alone. Above them the result says it is
// approximate rather than costing the server (and us) unbounded time.
const (
	// maxClientSort is the largest mailbox sorted by fetching every
	// message's sort key; larger ones are listed in arrival order.
	maxClientSort = 10000
	// maxAttachmentScan is how many candidates a "has attachment" search
	// checks by BODYSTRUCTURE.
	maxAttachmentScan = 3000
	// fetchChunk is how many UIDs one FETCH names, keeping command lines
	// far below servers' limits (Dovecot's is 64 KiB).
	fetchChunk = 500
)

// ListQuery says which messages of a mailbox to list and in which order.
type ListQuery struct {
	Sort       SortKey // "" means SortDate
	Descending bool    // newest, largest, Z first
	Filter     Filter
	Search     SearchQuery // the zero value matches every message
	// Page is 1-based; PageSize <= 0 means DefaultPageSize, capped at
	// MaxPageSize.
	Page, PageSize int
}

func (q ListQuery) normalized() ListQuery {
	switch q.Sort {
	case SortDate, SortFrom, SortSubject, SortSize, SortArrival:
	default:
		q.Sort = SortDate
	}
	if q.PageSize <= 0 {
		q.PageSize = DefaultPageSize
	}
	q.PageSize = min(q.PageSize, MaxPageSize)
	return q
}

// SortedPage is one page of a sorted, possibly filtered message list.
type SortedPage struct {
	Mailbox string
	// Total and Unseen count the messages in the whole mailbox.
	Total, Unseen uint32
	// Matches is the number of messages that pass the filter and search
	// (Total when there is neither).
	Matches int
	// Page is the 1-based page number asked for, PageSize the size used
	// and Pages the number of pages of matches (at least 1).
	Page, PageSize, Pages int
	// Messages holds the page's messages in the asked order; empty when
	// the page is out of range.
	Messages []Summary
	// ServerSorted reports that the server sorted (SORT, RFC 5256).
	ServerSorted bool
	// Approximate reports that the mailbox was too large to sort or
	// search completely without the server's help: it is listed in
	// arrival order, or only the newest candidates were checked.
	Approximate bool
}

// ListSorted returns one page of mailbox's messages that match q, in q's
// order: by sequence numbers for the whole mailbox in arrival order (no
// SEARCH or SORT needed), with UID SORT when the server has SORT, otherwise by fetching the
// sort key of every message (up to maxClientSort) and sorting here. Ties
// are broken by arrival, in the same direction as the sort.
func (c *Client) ListSorted(ctx context.Context, mailbox string, q ListQuery) (SortedPage, error) {
	q = q.normalized()
	state, unseen, total, err := c.selectForList(ctx, mailbox)
	if err != nil {
		return SortedPage{}, err
	}
	if wholeMailboxByArrival(q) {
		p := SortedPage{Mailbox: c.selected, Total: total, Unseen: unseen, Page: q.Page, PageSize: q.PageSize,
			Pages: max(1, (int(total)+q.PageSize-1)/q.PageSize), Messages: []Summary{}, Matches: int(total)}
		if q.Page < 1 || q.Page > p.Pages || total == 0 {
			return p, nil
		}
		if p.Messages, err = c.arrivalPage(ctx, mailbox, q, total); err != nil {
			return SortedPage{}, err
		}
		return p, nil
	}
	order, err := c.cachedOrder(ctx, mailbox, q, state, total)
	if err != nil {
		return SortedPage{}, err
	}
	p := SortedPage{
		Mailbox:      c.selected,
		Total:        total,
		Unseen:       unseen,
		Page:         q.Page,
		PageSize:     q.PageSize,
		Pages:        max(1, (len(order.uids)+q.PageSize-1)/q.PageSize),
		Messages:     []Summary{},
		Matches:      len(order.uids),
		ServerSorted: order.serverSorted,
		Approximate:  order.approximate,
	}
	if q.Page < 1 || q.Page > p.Pages || len(order.uids) == 0 {
		return p, nil
	}
	lo := (q.Page - 1) * q.PageSize
	hi := min(lo+q.PageSize, len(order.uids))
	p.Messages, err = c.fetchSummaries(ctx, mailbox, order.uids[lo:hi], state)
	if err != nil {
		return SortedPage{}, err
	}
	return p, nil
}

// uidOrder is the outcome of sorting: matching UIDs in display order.
type uidOrder struct {
	uids         []uint32
	serverSorted bool
	approximate  bool
}

// cachedOrder is orderedUIDs, from the instance's list cache while the
// mailbox's state is the one the list was computed under.
func (c *Client) cachedOrder(ctx context.Context, mailbox string, q ListQuery, state mailboxState, total uint32) (uidOrder, error) {
	key, cacheable := c.listCacheKey("sort", c.selected, q)
	if cacheable {
		if value, ok := c.lists.get(key, state.forQuery(q)); ok {
			return value.(uidOrder), nil
		}
	}
	order, err := c.orderedUIDs(ctx, mailbox, q, total)
	if err != nil {
		return uidOrder{}, err
	}
	if cacheable {
		// Callers only read the list: one slice can serve every hit.
		c.lists.put(key, state.forQuery(q), order, 4*len(order.uids))
	}
	return order, nil
}

// orderedUIDs returns the UIDs of the selected mailbox (holding total
// messages) that match q, sorted as q asks.
func (c *Client) orderedUIDs(ctx context.Context, mailbox string, q ListQuery, total uint32) (uidOrder, error) {
	var out uidOrder
	criteria := q.Search.criteria(q.Filter)
	if total == 0 {
		out.uids = []uint32{}
		return out, nil
	}
	caps := c.imap.Caps()
	switch {
	case caps.Has(imap.CapSort) && q.Sort != SortArrival:
		// SORT's ARRIVAL is the internal date, not the order of arrival
		// in this mailbox, so arrival order comes from the UIDs below.
		key := sortKeys(q.Sort, q.Descending, caps.Has(imap.CapSortDisplay))
		err := c.do(ctx, "sort "+mailbox, func() error {
			nums, err := c.imap.UIDSort(&imapclient.SortOptions{SearchCriteria: criteria, SortCriteria: key}).Wait()
			out.uids = nums
			return err
		})
		if err != nil {
			return uidOrder{}, err
		}
		out.serverSorted = true
	default:
		matches, err := c.searchUIDs(ctx, mailbox, criteria)
		if err != nil {
			return uidOrder{}, err
		}
		switch {
		case q.Sort == SortArrival:
			out.uids = matches
		case total > maxClientSort:
			out.uids = matches
			out.approximate = true
		default:
			out.uids, err = c.sortClientSide(ctx, mailbox, q.Sort, q.Descending, matches)
			if err != nil {
				return uidOrder{}, err
			}
		}
		if q.Descending && (q.Sort == SortArrival || out.approximate) {
			slices.Reverse(out.uids)
		}
	}
	if q.Search.HasAttachment {
		kept, complete, err := c.keepWithAttachments(ctx, mailbox, out.uids, 0)
		if err != nil {
			return uidOrder{}, err
		}
		out.uids = kept
		out.approximate = out.approximate || !complete
	}
	return out, nil
}

// sortKeys is the SORT criteria for key. Ties are left to the server,
// which breaks them by sequence number, ascending in both directions (RFC
// 5256), as the client-side fallback does. DISPLAYFROM (RFC 5957) sorts by
// the name people see, which is what "from" means in our list.
func sortKeys(key SortKey, descending, display bool) []imapclient.SortCriterion {
	imapKey := imapclient.SortKeyDate
	switch key {
	case SortFrom:
		imapKey = imapclient.SortKeyFrom
		if display {
			imapKey = "DISPLAYFROM"
		}
	case SortSubject:
		imapKey = imapclient.SortKeySubject
	case SortSize:
		imapKey = imapclient.SortKeySize
	}
	return []imapclient.SortCriterion{{Key: imapKey, Reverse: descending}}
}

// searchUIDs runs UID SEARCH in the selected mailbox and returns the
// matching UIDs in ascending (arrival) order.
func (c *Client) searchUIDs(ctx context.Context, mailbox string, criteria *imap.SearchCriteria) ([]uint32, error) {
	var uids []uint32
	err := c.do(ctx, "search "+mailbox, func() error {
		data, err := c.imap.UIDSearch(criteria, nil).Wait()
		if err != nil {
			return err
		}
		for _, uid := range data.AllUIDs() {
			uids = append(uids, uint32(uid))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(uids)
	return slices.Compact(uids), nil
}

// fetchEach runs one FETCH and hands each answer to fn as it arrives, so a
// large mailbox is never held in memory whole. Unsolicited answers (no UID)
// are skipped.
func (c *Client) fetchEach(ctx context.Context, op string, set imap.NumSet, options *imap.FetchOptions, fn func(*imapclient.FetchMessageBuffer)) error {
	return c.do(ctx, op, func() error {
		cmd := c.imap.Fetch(set, options)
		defer cmd.Close()
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			buf, err := msg.Collect()
			if err != nil {
				return err
			}
			if buf.UID != 0 {
				fn(buf)
			}
		}
		return cmd.Close()
	})
}

// chunks splits uids into slices of at most n.
func chunks(uids []uint32, n int) [][]uint32 {
	var out [][]uint32
	for len(uids) > n {
		out = append(out, uids[:n])
		uids = uids[n:]
	}
	if len(uids) > 0 {
		out = append(out, uids)
	}
	return out
}

// keepWithAttachments returns those of uids (in order) whose
// BODYSTRUCTURE has an attachment, stopping after want hits (want <= 0: no
// limit) or maxAttachmentScan candidates; complete is false when it
// stopped at that bound with candidates left.
func (c *Client) keepWithAttachments(ctx context.Context, mailbox string, uids []uint32, want int) (kept []uint32, complete bool, err error) {
	kept = []uint32{}
	scan := uids
	if len(scan) > maxAttachmentScan {
		scan = scan[:maxAttachmentScan]
	}
	options := &imap.FetchOptions{UID: true, BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}
	for i, part := range chunks(scan, fetchChunk) {
		has := make(map[uint32]bool, len(part))
		err := c.fetchEach(ctx, "find attachments in "+mailbox, uidSet(part), options, func(m *imapclient.FetchMessageBuffer) {
			if m.BodyStructure != nil {
				has[uint32(m.UID)] = hasAttachments(m.BodyStructure)
			}
		})
		if err != nil {
			return nil, false, err
		}
		for j, uid := range part {
			if !has[uid] {
				continue
			}
			kept = append(kept, uid)
			if want > 0 && len(kept) >= want {
				checked := i*fetchChunk + j + 1
				return kept, checked == len(uids), nil
			}
		}
	}
	return kept, len(scan) == len(uids), nil
}
