package mail

import (
	"context"
	"slices"
)

// conversationQuery is the query the message page threads with: the whole
// mailbox, by date, newest first, the list's usual conversations view, so
// a conversation opened from that list finds its threads in the cache.
var conversationQuery = ListQuery{Sort: SortDate, Descending: true}

// ThreadOf returns the conversation of mailbox that uid belongs to, from
// the same threading as the list's conversations view (THREAD=REFERENCES,
// or the headers here; through the instance's list cache): its messages
// depth first, at most MaxThreadRows of them around uid. A message that
// answers nothing and got no answer is a conversation of one.
func (c *Client) ThreadOf(ctx context.Context, mailbox string, uid uint32) (Conversation, error) {
	q := conversationQuery.normalized()
	state, _, total, err := c.selectForList(ctx, mailbox)
	if err != nil {
		return Conversation{}, err
	}
	if total == 0 {
		return Conversation{}, nil
	}
	order, err := c.cachedThreads(ctx, mailbox, q, state, total)
	if err != nil {
		return Conversation{}, err
	}
	type row struct {
		uid   uint32
		depth int
	}
	var rows []row
	for _, root := range order.forest {
		var candidate []row
		found := false
		walkThread(root, 0, func(u uint32, depth int) {
			candidate = append(candidate, row{u, depth})
			found = found || u == uid
		})
		if found {
			rows = candidate
			break
		}
	}
	if len(rows) == 0 {
		rows = []row{{uid, 0}} // threaded before it arrived, or left out of a huge mailbox
	}
	conv := Conversation{Size: len(rows)}
	if len(rows) > MaxThreadRows {
		at := slices.IndexFunc(rows, func(r row) bool { return r.uid == uid })
		lo := max(0, min(at-MaxThreadRows/2, len(rows)-MaxThreadRows))
		rows = rows[lo : lo+MaxThreadRows]
	}
	uids := make([]uint32, len(rows))
	for i, r := range rows {
		uids[i] = r.uid
	}
	byUID, err := c.summariesByUID(ctx, mailbox, uids, state)
	if err != nil {
		return Conversation{}, err
	}
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
	return conv, nil
}
