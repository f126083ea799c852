package app

import (
	"testing"
	"time"
)

func TestNoticeCacheExpiresAndForgets(t *testing.T) {
	c := newNoticeCache()
	now := time.Unix(1000, 0)
	if _, ok := c.get("a@example.test", now); ok {
		t.Fatal("empty cache answered")
	}
	c.put("a@example.test", []OutgoingMessage{{Subject: "x"}}, now)
	if msgs, ok := c.get("a@example.test", now.Add(noticeTTL-time.Second)); !ok || len(msgs) != 1 {
		t.Fatalf("within the TTL: %v %v", msgs, ok)
	}
	if _, ok := c.get("b@example.test", now); ok {
		t.Fatal("another login's entry answered")
	}
	if _, ok := c.get("a@example.test", now.Add(noticeTTL+time.Second)); ok {
		t.Fatal("an expired entry answered")
	}
	c.put("a@example.test", nil, now)
	c.forget("a@example.test")
	if _, ok := c.get("a@example.test", now); ok {
		t.Fatal("a forgotten entry answered")
	}
}
