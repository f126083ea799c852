package config

import (
	"strings"
	"testing"
)

// TestMessageCacheBytes: WEBMAIL_MESSAGE_CACHE defaults to 64 MiB, takes
// a size in bytes or with a binary suffix, 0 turns the cache off, and
// anything else is refused by name.
func TestMessageCacheBytes(t *testing.T) {
	load := func(v string) (Config, error) {
		return Load(func(string) string { return "" }, []string{"WEBMAIL_MESSAGE_CACHE=" + v})
	}
	if d := Default(); d.MessageCacheBytes != 64<<20 {
		t.Errorf("default = %d, want 64 MiB", d.MessageCacheBytes)
	}
	for v, want := range map[string]int64{"1048576": 1 << 20, "16MiB": 16 << 20, "0": 0, "": 64 << 20} {
		c, err := load(v)
		if err != nil || c.MessageCacheBytes != want {
			t.Errorf("WEBMAIL_MESSAGE_CACHE=%q: %d, %v; want %d", v, c.MessageCacheBytes, err, want)
		}
	}
	for _, v := range []string{"-1", "64 parsecs", "lots"} {
		if _, err := load(v); err == nil || !strings.Contains(err.Error(), "WEBMAIL_MESSAGE_CACHE") {
			t.Errorf("WEBMAIL_MESSAGE_CACHE=%q: %v, want an error naming it", v, err)
		}
	}
}

// TestListCacheBytes: WEBMAIL_LIST_CACHE defaults to 96 MiB, takes a size
// in bytes or with a binary suffix, 0 turns the caches off, and anything
// else is refused by name.
func TestListCacheBytes(t *testing.T) {
	load := func(v string) (Config, error) {
		return Load(func(string) string { return "" }, []string{"WEBMAIL_LIST_CACHE=" + v})
	}
	for v, want := range map[string]int64{"3145728": 3 << 20, "1GiB": 1 << 30, "0": 0, "": 96 << 20} {
		c, err := load(v)
		if err != nil || c.ListCacheBytes != want {
			t.Errorf("WEBMAIL_LIST_CACHE=%q: %d, %v; want %d", v, c.ListCacheBytes, err, want)
		}
	}
	for _, v := range []string{"-1", "lots"} {
		if _, err := load(v); err == nil || !strings.Contains(err.Error(), "WEBMAIL_LIST_CACHE") {
			t.Errorf("WEBMAIL_LIST_CACHE=%q: %v, want an error naming it", v, err)
		}
	}
}
