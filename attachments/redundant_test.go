package attachments_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/attachments/attachmentstest"
)

func TestRedundantConformance(t *testing.T) {
	attachmentstest.Run(t, func(t *testing.T) attachments.Store {
		store, err := attachments.Open(t.Context(), "redundant", attachments.Config{
			Settings: map[string]string{"backends": "fs, sql", "fs_dir": t.TempDir()},
			DB:       newSQLiteDB(t),
			Dialect:  "sqlite",
		})
		if err != nil {
			t.Fatalf("Open(redundant): %v", err)
		}
		return store
	})
}

func TestRedundantFallsThrough(t *testing.T) {
	ctx := t.Context()
	dirA := filepath.Join(t.TempDir(), "a")
	dirB := filepath.Join(t.TempDir(), "b")
	store, err := attachments.Open(ctx, "redundant", attachments.Config{
		Settings: map[string]string{"backends": "a:fs,b:fs", "a_dir": dirA, "b_dir": dirB},
	})
	if err != nil {
		t.Fatal(err)
	}
	memberB := openFS(t, dirB)

	// Written to both.
	if err := store.Put(ctx, "both", strings.NewReader("v1"), 2, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if _, err := memberB.Stat(ctx, "both"); err != nil {
		t.Errorf("member b lacks the object: %v", err)
	}
	// Only in b: found through a.
	if err := memberB.Put(ctx, "only-b", strings.NewReader("from b"), 6, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, store, "only-b"); got != "from b" {
		t.Errorf("Get(only-b) = %q", got)
	}
	// Member a gone: reads go on from b, writes and Ping fail.
	if err := os.RemoveAll(dirA); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dirA, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, store, "both"); got != "v1" {
		t.Errorf("Get(both) with member a broken = %q", got)
	}
	if err := store.Ping(ctx); err == nil {
		t.Errorf("Ping with member a broken = nil")
	}
	if err := store.Put(ctx, "new", strings.NewReader("x"), 1, ""); err == nil {
		t.Errorf("Put with member a broken = nil")
	}
	// A missing key with a member broken is not reported as ErrNotFound:
	// the broken member might have it.
	if _, err := store.Stat(ctx, "nowhere"); err == nil || errors.Is(err, attachments.ErrNotFound) {
		t.Errorf("Stat(missing) with member a broken = %v, want a non-ErrNotFound error", err)
	}
}

func readString(t *testing.T, store attachments.Store, key string) string {
	t.Helper()
	rc, _, err := store.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return string(data)
}
