package app

import (
	"container/list"
	"sync"
)

// messageCache is this instance's parsed-message cache: what a message
// view built (the fetched message, its parse, its sanitized body) kept for
// the requests that follow it (the body document, the attachments'
// previews, a second look). It is a least-recently-used cache bounded in
// bytes, so memory stays flat whatever users open.
//
// It is only a cache: another instance, or a restart, rebuilds what it
// misses. Its keys hold everything that makes content differ (see
// cacheKey), so an entry can never be served to another user or for
// another message.
type messageCache struct {
	mu       sync.Mutex
	budget   int64 // bytes the entries may take together
	maxEntry int64 // an entry above this is not kept: it would evict too much
	used     int64
	order    *list.List // of *cacheEntry, most recently used first
	entries  map[cacheKey]*list.Element
}

// cacheKey names one cached value. A UID names the same message only
// within one UIDVALIDITY of its mailbox, on one server, for one login: all
// of them are in the key, so a recreated mailbox or another user can never
// see what was cached for this one.
type cacheKey struct {
	server      string // the IMAP server, as the session's endpoint names it
	user        string // the login
	mailbox     string
	uidValidity uint32
	uid         uint32
	part        string // "" for the message; the part path of an attached message
	kind        cacheKind
}

// cacheKind tells what a cached value is.
type cacheKind uint8

const (
	// cachedParse is a *parsedMessage: the message's bytes and its parse.
	cachedParse cacheKind = iota
	// cachedBody is a *sanitizedBody without remote content.
	cachedBody
	// cachedBodyRemote is a *sanitizedBody with remote content allowed.
	cachedBodyRemote
	// cachedPreview is a string: a list line's preview (list_preview.go).
	cachedPreview
)

// cacheEntry is one value in the cache with the bytes it is counted for.
type cacheEntry struct {
	key   cacheKey
	value any
	size  int64
}

// newMessageCache returns a cache holding at most budget bytes; with a
// budget <= 0 it keeps nothing.
func newMessageCache(budget int64) *messageCache {
	return &messageCache{
		budget:   budget,
		maxEntry: budget / 4,
		order:    list.New(),
		entries:  map[cacheKey]*list.Element{},
	}
}

// get returns the value under key and makes it the most recently used.
func (c *messageCache) get(key cacheKey) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).value, true
}

// add keeps value under key, counted as size bytes, evicting the least
// recently used entries until it fits. A value larger than a quarter of
// the budget is not kept, nor anything when the cache is off.
func (c *messageCache) add(key cacheKey, value any, size int64) {
	if c.budget <= 0 || size > c.maxEntry {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	c.entries[key] = c.order.PushFront(&cacheEntry{key: key, value: value, size: size})
	c.used += size
	for c.used > c.budget {
		c.remove(c.order.Back())
	}
}

// remove drops one entry; c.mu is held.
func (c *messageCache) remove(el *list.Element) {
	e := c.order.Remove(el).(*cacheEntry)
	delete(c.entries, e.key)
	c.used -= e.size
}

// stats returns the number of entries and the bytes they are counted for.
func (c *messageCache) stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.used
}
