package mail

import "fmt"

// DefaultListCacheBytes bounds an instance's cache of sorted and threaded
// UID lists: about 4 bytes a message, so 32 MiB holds the order of some
// 8 million messages (1,600 busy 5,000-message folders).
const DefaultListCacheBytes = 32 << 20

// listCache keeps sorted and threaded UID lists, per user, mailbox and
// order, for as long as the mailbox's state (UIDVALIDITY, UIDNEXT, EXISTS,
// and HIGHESTMODSEQ for a list filtered by flags: mailboxState.forQuery)
// stays the same. Sorting a 5,000-message mailbox costs the
// server ~8 ms and us the parsing of 5,000 numbers; checking the state is
// one STATUS (~0 ms of Dovecot CPU), which brings the unseen count too. An entry is only ever used
// with the state it was computed under, so a change made anywhere (another
// instance, another IMAP client, a delivery) is never hidden: it changes
// the state, and the list is asked for again. Losing the cache costs time,
// never correctness. Safe for concurrent use.
type listCache struct {
	entries *lru[listKey, cachedList]
}

// listKey names one list: whose, which mailbox and which order, filter and
// search (query is their canonical text).
type listKey struct {
	owner   string // endpoint and user: what the pool's connections are keyed by, minus the password
	mailbox string
	query   string
}

type cachedList struct {
	state mailboxState
	value any // uidOrder or threadOrder
}

func newListCache(maxBytes int) *listCache {
	return &listCache{entries: newLRU[listKey, cachedList](maxBytes)}
}

// get returns the list stored under key if it was computed under state.
func (lc *listCache) get(key listKey, state mailboxState) (value any, ok bool) {
	if lc == nil || !state.known() {
		return nil, false
	}
	e, ok := lc.entries.get(key, func(e cachedList) bool { return e.state == state })
	return e.value, ok
}

// put stores a list computed under state; cost is its size in bytes. A
// list larger than the whole cache is not kept.
func (lc *listCache) put(key listKey, state mailboxState, value any, cost int) {
	if lc == nil || !state.known() {
		return
	}
	lc.entries.put(key, cachedList{state: state, value: value}, cost+128) // the entry, key and map slot
}

// listCacheKey is the cache key of q's list of mailbox for this
// connection's user; ok is false for a connection outside a pool.
func (c *Client) listCacheKey(kind, mailbox string, q ListQuery) (listKey, bool) {
	if c.lists == nil || c.owner == "" {
		return listKey{}, false
	}
	query := fmt.Sprintf("%s|%s|%t|%s|%#v", kind, q.Sort, q.Descending, q.Filter, q.Search)
	return listKey{owner: c.owner, mailbox: mailbox, query: query}, true
}
