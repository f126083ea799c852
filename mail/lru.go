package mail

import (
	"container/list"
	"sync"
	"sync/atomic"
)

// lru is a map bounded in bytes that drops its least recently used
// entries first: the store under the list and line caches. Each entry
// carries the cost its caller gives it (its size in bytes, roughly). Safe
// for concurrent use.
type lru[K comparable, V any] struct {
	maxBytes int
	mu       sync.Mutex
	bytes    int
	order    *list.List // of *lruEntry[K, V], most recently used first
	entries  map[K]*list.Element

	hits, misses atomic.Int64
}

type lruEntry[K comparable, V any] struct {
	key   K
	value V
	cost  int
}

func newLRU[K comparable, V any](maxBytes int) *lru[K, V] {
	return &lru[K, V]{maxBytes: maxBytes, order: list.New(), entries: map[K]*list.Element{}}
}

// get returns the value under key if usable says it may serve (nil: any),
// counting a hit or a miss.
func (c *lru[K, V]) get(key K, usable func(V) bool) (value V, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, found := c.entries[key]
	if !found || usable != nil && !usable(el.Value.(*lruEntry[K, V]).value) {
		c.misses.Add(1)
		return value, false
	}
	c.order.MoveToFront(el)
	c.hits.Add(1)
	return el.Value.(*lruEntry[K, V]).value, true
}

// put stores value under key, replacing what key held, and drops the
// least recently used entries past the bound. A value costing more than
// the whole cache is not kept.
func (c *lru[K, V]) put(key K, value V, cost int) {
	if cost > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, found := c.entries[key]; found {
		c.bytes -= el.Value.(*lruEntry[K, V]).cost
		c.order.Remove(el)
		delete(c.entries, key)
	}
	c.entries[key] = c.order.PushFront(&lruEntry[K, V]{key: key, value: value, cost: cost})
	c.bytes += cost
	for c.bytes > c.maxBytes {
		oldest := c.order.Back()
		e := oldest.Value.(*lruEntry[K, V])
		c.order.Remove(oldest)
		delete(c.entries, e.key)
		c.bytes -= e.cost
	}
}

// update changes the value under key in place, if there is one, without
// counting a use.
func (c *lru[K, V]) update(key K, change func(*V)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, found := c.entries[key]; found {
		change(&el.Value.(*lruEntry[K, V]).value)
	}
}
