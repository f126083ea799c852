package attachments_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/attachments/attachmentstest"
)

func openFS(t *testing.T, dir string) attachments.Store {
	t.Helper()
	store, err := attachments.Open(t.Context(), "fs", attachments.Config{Settings: map[string]string{"dir": dir}})
	if err != nil {
		t.Fatalf("Open(fs): %v", err)
	}
	return store
}

func TestFSConformance(t *testing.T) {
	attachmentstest.Run(t, func(t *testing.T) attachments.Store {
		return openFS(t, t.TempDir())
	})
}

func TestFSDefaultDir(t *testing.T) {
	data := t.TempDir()
	store, err := attachments.Open(t.Context(), "fs", attachments.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Put(t.Context(), "k", strings.NewReader("v"), 1, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(data, "attachments", "k~")); err != nil {
		t.Errorf("object not under <DataDir>/attachments: %v", err)
	}
}

func TestFSStaysInsideDir(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "store")
	store := openFS(t, dir)
	for _, key := range []string{"../outside", "a/../../outside", "/tmp/outside"} {
		store.Put(t.Context(), key, strings.NewReader("x"), 1, "")
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "store" {
		t.Errorf("files next to the store's directory: %v", entries)
	}
}

func TestFSPingFailsWithoutDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	store := openFS(t, dir)
	if err := store.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := store.Ping(t.Context()); err == nil {
		t.Errorf("Ping with the directory gone = nil, want an error")
	}
}

func TestFSSweep(t *testing.T) {
	dir := t.TempDir()
	store := openFS(t, dir)
	ctx := t.Context()
	if err := store.Put(ctx, "keep/doc", strings.NewReader("kept"), 4, ""); err != nil {
		t.Fatal(err)
	}
	if err := store.Put(ctx, "gone/deep/doc", strings.NewReader("x"), 1, ""); err != nil {
		t.Fatal(err)
	}
	if err := store.Delete(ctx, "gone/deep/doc"); err != nil {
		t.Fatal(err)
	}
	// What a Put killed halfway leaves behind: an old and a fresh temp file.
	old := time.Now().Add(-2 * time.Hour)
	staleTemp := filepath.Join(dir, "keep", ".~123~tmp")
	freshTemp := filepath.Join(dir, "keep", ".~456~tmp")
	for _, name := range []string{staleTemp, freshTemp} {
		if err := os.WriteFile(name, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{staleTemp, filepath.Join(dir, "gone", "deep"), filepath.Join(dir, "gone")} {
		if err := os.Chtimes(name, old, old); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := store.(attachments.Sweeper).Sweep(ctx, time.Hour)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if _, err := os.Stat(staleTemp); !os.IsNotExist(err) {
		t.Errorf("stale temp file survived Sweep")
	}
	if _, err := os.Stat(freshTemp); err != nil {
		t.Errorf("fresh temp file removed by Sweep: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "gone", "deep")); !os.IsNotExist(err) {
		t.Errorf("empty old directory survived Sweep")
	}
	if removed < 2 {
		t.Errorf("Sweep removed %d items, want at least 2", removed)
	}
	if _, err := store.Stat(ctx, "keep/doc"); err != nil {
		t.Errorf("Stat after Sweep: %v", err)
	}
	// Sweep emptied "gone" (its mtime is now fresh); a Put there still works.
	if err := store.Put(ctx, "gone/deep/again", strings.NewReader("y"), 1, ""); err != nil {
		t.Errorf("Put after Sweep: %v", err)
	}
}
