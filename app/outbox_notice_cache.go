package app

import (
	"sync"
	"time"
)

// noticeTTL is how long an instance reuses a user's list of refused-message
// notices. Every mail page shows them, so without this each page view would
// cost the primary two queries for what is almost always an empty list; a
// refusal reaches the banner at most this much later, and the outbox page
// and the INBOX message show it at once.
const noticeTTL = 15 * time.Second

// noticeCacheMax bounds the cache; past it, entries are dropped wholesale
// (they are cheap to read again).
const noticeCacheMax = 10000

// noticeCache is a per-instance cache of SendNotices by login. Losing it
// costs two queries, never correctness beyond noticeTTL.
type noticeCache struct {
	mu      sync.Mutex
	entries map[string]noticeEntry
}

type noticeEntry struct {
	msgs    []OutgoingMessage
	expires time.Time
}

func newNoticeCache() *noticeCache {
	return &noticeCache{entries: map[string]noticeEntry{}}
}

func (c *noticeCache) get(login string, now time.Time) ([]OutgoingMessage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[login]
	if !ok || now.After(e.expires) {
		return nil, false
	}
	return e.msgs, true
}

func (c *noticeCache) put(login string, msgs []OutgoingMessage, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= noticeCacheMax {
		c.entries = map[string]noticeEntry{}
	}
	c.entries[login] = noticeEntry{msgs: msgs, expires: now.Add(noticeTTL)}
}

// forget drops login's entry, after this instance changed its notices.
func (c *noticeCache) forget(login string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, login)
}
