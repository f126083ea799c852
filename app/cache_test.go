package app

import (
	"fmt"
	"testing"
)

func TestMessageCacheEvictsLeastRecentlyUsedByBytes(t *testing.T) {
	c := newMessageCache(1000)
	key := func(uid uint32) cacheKey {
		return cacheKey{user: "u@example.test", mailbox: "INBOX", uidValidity: 1, uid: uid}
	}
	for uid := uint32(1); uid <= 4; uid++ {
		c.add(key(uid), fmt.Sprint(uid), 250)
	}
	if n, bytes := c.stats(); n != 4 || bytes != 1000 {
		t.Fatalf("4 entries of 250 bytes: %d entries, %d bytes", n, bytes)
	}
	if _, ok := c.get(key(1)); !ok { // 1 is now the most recently used
		t.Fatal("entry 1 missing before the budget was exceeded")
	}
	c.add(key(5), "5", 250)
	if _, ok := c.get(key(2)); ok {
		t.Error("entry 2, the least recently used, survived an add over budget")
	}
	for _, uid := range []uint32{1, 3, 4, 5} {
		if v, ok := c.get(key(uid)); !ok || v != fmt.Sprint(uid) {
			t.Errorf("entry %d: %v %v", uid, v, ok)
		}
	}
	if _, bytes := c.stats(); bytes > 1000 {
		t.Errorf("%d bytes cached, budget 1000", bytes)
	}

	c.add(key(6), "too big", 251)
	if _, ok := c.get(key(6)); ok {
		t.Error("an entry over a quarter of the budget was kept")
	}
	c.add(key(3), "replaced", 100)
	if v, _ := c.get(key(3)); v != "replaced" {
		t.Errorf("replaced entry reads %v", v)
	}
	if n, bytes := c.stats(); n != 4 || bytes != 850 {
		t.Errorf("after replacing one entry: %d entries, %d bytes; want 4, 850", n, bytes)
	}
}

func TestMessageCacheOff(t *testing.T) {
	c := newMessageCache(-1)
	c.add(cacheKey{uid: 1}, "x", 1)
	if _, ok := c.get(cacheKey{uid: 1}); ok {
		t.Error("a cache with no budget kept an entry")
	}
}

func TestMessageCacheKeysDiffer(t *testing.T) {
	c := newMessageCache(1 << 20)
	base := cacheKey{server: "imap://a:143", user: "alice@example.test", mailbox: "INBOX", uidValidity: 7, uid: 1}
	c.add(base, "alice's", 10)
	for name, other := range map[string]cacheKey{
		"another user":        {server: base.server, user: "bob@example.test", mailbox: "INBOX", uidValidity: 7, uid: 1},
		"another server":      {server: "imap://b:143", user: base.user, mailbox: "INBOX", uidValidity: 7, uid: 1},
		"another UIDVALIDITY": {server: base.server, user: base.user, mailbox: "INBOX", uidValidity: 8, uid: 1},
		"an attached message": {server: base.server, user: base.user, mailbox: "INBOX", uidValidity: 7, uid: 1, part: "2"},
		"a body":              {server: base.server, user: base.user, mailbox: "INBOX", uidValidity: 7, uid: 1, kind: cachedBody},
	} {
		if v, ok := c.get(other); ok {
			t.Errorf("%s got %v", name, v)
		}
	}
}
