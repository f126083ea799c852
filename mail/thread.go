package mail

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/mail/mime"
)

// Bounds on conversation views.
const (
	// maxClientThread is how many of the newest messages are threaded
	// here when the server has no THREAD; older ones are left out.
	maxClientThread = 10000
	// MaxThreadRows is how many messages of one conversation a page shows.
	MaxThreadRows = 100
)

// ThreadPage is one page of a mailbox's conversations.
type ThreadPage struct {
	Mailbox string
	// Total and Unseen count the messages of the whole mailbox.
	Total, Unseen uint32
	// Threads counts the conversations that match the query.
	Threads int
	// Page is the 1-based page asked for, PageSize the number of
	// conversations per page, Pages the number of pages (at least 1).
	Page, PageSize, Pages int
	// Conversations are the page's conversations, latest activity first
	// (or last, for an ascending query).
	Conversations []Conversation
	// ServerThreaded reports that the server threaded (THREAD=REFERENCES).
	ServerThreaded bool
	// Approximate reports that only the newest messages were threaded or
	// searched, the mailbox being too large to do it all here.
	Approximate bool
}

// Conversation is one thread: a root message and its replies.
type Conversation struct {
	// Size is the number of messages in the conversation (that match the
	// query); Messages may hold fewer (MaxThreadRows).
	Size int
	// Unseen counts the unseen messages among Messages.
	Unseen int
	// Messages is the conversation depth first, each reply after its
	// parent, siblings oldest first.
	Messages []ThreadMessage
}

// ThreadMessage is one message of a conversation.
type ThreadMessage struct {
	Summary
	// Depth is 0 for the root, 1 for direct replies, and so on.
	Depth int
}

// threadOrder is the outcome of threading: the conversations that match
// a query, before they are ranked and paged.
type threadOrder struct {
	forest         []*threadNode
	serverThreaded bool
	approximate    bool
	messages       int // how many messages the forest holds, for the cache's accounting
}

// cachedThreads is threadForest, from the instance's list cache while the
// mailbox's state is the one the threads were computed under.
func (c *Client) cachedThreads(ctx context.Context, mailbox string, q ListQuery, state mailboxState, total uint32) (threadOrder, error) {
	key, cacheable := c.listCacheKey("thread", c.selected, q)
	if cacheable {
		if value, ok := c.lists.get(key, state.forQuery(q)); ok {
			return value.(threadOrder), nil
		}
	}
	order, err := c.threadForest(ctx, mailbox, q, total)
	if err != nil {
		return threadOrder{}, err
	}
	if cacheable {
		// A node is ~64 bytes; the trees are only read once built.
		c.lists.put(key, state.forQuery(q), order, 64*order.messages)
	}
	return order, nil
}

// threadForest threads the selected mailbox's messages that match q.
func (c *Client) threadForest(ctx context.Context, mailbox string, q ListQuery, total uint32) (threadOrder, error) {
	var out threadOrder
	criteria := q.Search.criteria(q.Filter)
	if c.hasThreadReferences() {
		var data []imapclient.ThreadData
		err := c.do(ctx, "thread "+mailbox, func() error {
			var err error
			data, err = c.imap.UIDThread(&imapclient.ThreadOptions{Algorithm: imap.ThreadReferences, SearchCriteria: criteria}).Wait()
			return err
		})
		if err != nil {
			return threadOrder{}, err
		}
		for _, d := range data {
			out.forest = append(out.forest, threadFromData(d))
		}
		out.serverThreaded = true
	} else {
		var err error
		out.forest, out.approximate, err = c.threadClientSide(ctx, mailbox, criteria, total)
		if err != nil {
			return threadOrder{}, err
		}
	}
	if q.Search.HasAttachment {
		var uids []uint32
		for _, root := range out.forest {
			uids = append(uids, threadUIDs(root)...)
		}
		slices.Sort(uids)
		slices.Reverse(uids) // check the newest first
		kept, complete, err := c.keepWithAttachments(ctx, mailbox, uids, 0)
		if err != nil {
			return threadOrder{}, err
		}
		out.forest = keepOnly(out.forest, kept)
		out.approximate = out.approximate || !complete
	}
	for _, root := range out.forest {
		walkThread(root, 0, func(uint32, int) { out.messages++ })
	}
	return out, nil
}

// threadNode is a message in a thread tree; uid 0 is a placeholder for a
// message that is referenced but not in the mailbox.
type threadNode struct {
	uid      uint32
	date     time.Time // for ordering siblings in the fallback
	children []*threadNode
}

// ListThreads returns one page of mailbox's conversations that match q
// (Sort and the page are per conversation: they are ordered by their
// latest message's arrival, newest first when q.Descending). Threads come
// from THREAD=REFERENCES (RFC 5256) when the server has it; otherwise they
// are built here from Message-ID, In-Reply-To and References, fetched for
// the newest maxClientThread messages.
func (c *Client) ListThreads(ctx context.Context, mailbox string, q ListQuery) (ThreadPage, error) {
	q = q.normalized()
	state, unseen, total, err := c.selectForList(ctx, mailbox)
	if err != nil {
		return ThreadPage{}, err
	}
	p := ThreadPage{
		Mailbox:       c.selected,
		Total:         total,
		Unseen:        unseen,
		Page:          q.Page,
		PageSize:      q.PageSize,
		Pages:         1,
		Conversations: []Conversation{},
	}
	if total == 0 {
		return p, nil
	}
	order, err := c.cachedThreads(ctx, mailbox, q, state, total)
	if err != nil {
		return ThreadPage{}, err
	}
	p.ServerThreaded, p.Approximate = order.serverThreaded, order.approximate
	forest := order.forest

	type ranked struct {
		root   *threadNode
		latest uint32
	}
	threads := make([]ranked, 0, len(forest))
	for _, root := range forest {
		uids := threadUIDs(root)
		if len(uids) == 0 {
			continue
		}
		threads = append(threads, ranked{root, slices.Max(uids)})
	}
	slices.SortFunc(threads, func(a, b ranked) int {
		if q.Descending {
			return cmp.Compare(b.latest, a.latest)
		}
		return cmp.Compare(a.latest, b.latest)
	})
	p.Threads = len(threads)
	p.Pages = max(1, (len(threads)+q.PageSize-1)/q.PageSize)
	if q.Page < 1 || q.Page > p.Pages || len(threads) == 0 {
		return p, nil
	}
	lo := (q.Page - 1) * q.PageSize
	hi := min(lo+q.PageSize, len(threads))

	type row struct {
		uid   uint32
		depth int
	}
	var pageRows [][]row
	var fetch []uint32
	sizes := make([]int, 0, hi-lo)
	for _, t := range threads[lo:hi] {
		var rows []row
		size := 0
		walkThread(t.root, 0, func(uid uint32, depth int) {
			size++
			if len(rows) < MaxThreadRows {
				rows = append(rows, row{uid, depth})
				fetch = append(fetch, uid)
			}
		})
		pageRows = append(pageRows, rows)
		sizes = append(sizes, size)
	}
	byUID, err := c.summariesByUID(ctx, mailbox, fetch, state)
	if err != nil {
		return ThreadPage{}, err
	}
	for i, rows := range pageRows {
		conv := Conversation{Size: sizes[i]}
		for _, r := range rows {
			s, ok := byUID[r.uid]
			if !ok {
				continue // expunged meanwhile
			}
			if !s.Seen {
				conv.Unseen++
			}
			conv.Messages = append(conv.Messages, ThreadMessage{Summary: s, Depth: r.depth})
		}
		if len(conv.Messages) > 0 {
			p.Conversations = append(p.Conversations, conv)
		}
	}
	return p, nil
}

// hasThreadReferences reports whether the server offers THREAD=REFERENCES.
func (c *Client) hasThreadReferences() bool {
	return slices.Contains(c.imap.Caps().ThreadAlgorithms(), imap.ThreadReferences)
}

// threadFromData converts a THREAD response: Chain lists a message and its
// only descendants, each the parent of the next; SubThreads are children
// of the last. An empty Chain is a missing root.
func threadFromData(d imapclient.ThreadData) *threadNode {
	var root, last *threadNode
	for _, uid := range d.Chain {
		n := &threadNode{uid: uid}
		if last == nil {
			root = n
		} else {
			last.children = append(last.children, n)
		}
		last = n
	}
	if root == nil {
		root = &threadNode{}
		last = root
	}
	for _, sub := range d.SubThreads {
		last.children = append(last.children, threadFromData(sub))
	}
	return root
}

// walkThread visits the messages of a tree depth first; placeholders are
// skipped, their children taking their place and depth.
func walkThread(n *threadNode, depth int, visit func(uid uint32, depth int)) {
	childDepth := depth
	if n.uid != 0 {
		visit(n.uid, depth)
		childDepth = depth + 1
	}
	for _, child := range n.children {
		walkThread(child, childDepth, visit)
	}
}

func threadUIDs(n *threadNode) []uint32 {
	var uids []uint32
	walkThread(n, 0, func(uid uint32, _ int) { uids = append(uids, uid) })
	return uids
}

// threadHeader is what the fallback threads on.
type threadHeader struct {
	uid       uint32
	messageID string
	parents   []string // References, else In-Reply-To: oldest ancestor first
	date      time.Time
}

// threadClientSide builds the threads of the selected mailbox from its
// headers: those of the newest maxClientThread messages that match
// criteria.
func (c *Client) threadClientSide(ctx context.Context, mailbox string, criteria *imap.SearchCriteria, total uint32) (forest []*threadNode, approximate bool, err error) {
	var matches map[uint32]bool
	if !isAll(criteria) {
		uids, err := c.searchUIDs(ctx, mailbox, criteria)
		if err != nil {
			return nil, false, err
		}
		matches = make(map[uint32]bool, len(uids))
		for _, uid := range uids {
			matches[uid] = true
		}
	}
	var seqs imap.SeqSet
	first := uint32(1)
	if total > maxClientThread {
		first = total - maxClientThread + 1
		approximate = true
	}
	seqs.AddRange(first, total)
	section := &imap.FetchItemBodySection{
		Specifier:    imap.PartSpecifierHeader,
		HeaderFields: []string{"Message-ID", "In-Reply-To", "References", "Date"},
		Peek:         true,
	}
	options := &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}
	var headers []threadHeader
	err = c.fetchEach(ctx, "thread headers in "+mailbox, seqs, options, func(m *imapclient.FetchMessageBuffer) {
		uid := uint32(m.UID)
		raw := m.FindBodySection(section)
		if raw == nil || (matches != nil && !matches[uid]) {
			return
		}
		fields := mime.ReadHeaderFields(raw)
		h := threadHeader{uid: uid}
		if v, ok := fields.Value("Message-ID"); ok {
			if ids := mime.ParseMessageIDs(v); len(ids) > 0 {
				h.messageID = ids[0]
			}
		}
		if v, ok := fields.Value("References"); ok {
			h.parents = mime.ParseMessageIDs(v)
		}
		if len(h.parents) == 0 {
			if v, ok := fields.Value("In-Reply-To"); ok {
				if ids := mime.ParseMessageIDs(v); len(ids) > 0 {
					h.parents = ids[:1]
				}
			}
		}
		if v, ok := fields.Value("Date"); ok {
			h.date = mime.ParseDate(v)
		}
		headers = append(headers, h)
	})
	if err != nil {
		return nil, false, err
	}
	return buildThreads(headers), approximate, nil
}

// isAll reports whether criteria match every message.
func isAll(c *imap.SearchCriteria) bool {
	return c == nil || (len(c.Flag) == 0 && len(c.NotFlag) == 0 && len(c.Or) == 0 && len(c.Not) == 0 &&
		len(c.Header) == 0 && len(c.Body) == 0 && len(c.Text) == 0 && c.SentSince.IsZero() && c.SentBefore.IsZero() &&
		c.Since.IsZero() && c.Before.IsZero() && c.Larger == 0 && c.Smaller == 0 && len(c.UID) == 0 && len(c.SeqNum) == 0)
}

// summariesByUID fetches the list lines of uids, by UID; an expunged one is
// missing from the map. state is as fetchSummaries takes it.
func (c *Client) summariesByUID(ctx context.Context, mailbox string, uids []uint32, state mailboxState) (map[uint32]Summary, error) {
	summaries, err := c.fetchSummaries(ctx, mailbox, uids, state)
	if err != nil {
		return nil, err
	}
	byUID := make(map[uint32]Summary, len(summaries))
	for _, s := range summaries {
		byUID[s.UID] = s
	}
	return byUID, nil
}
