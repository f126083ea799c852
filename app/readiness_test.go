package app

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// TestDependencyFailuresNamed: with SQLite, memory sessions and files every
// check answers; with the attachment directory gone, the attachment store
// is the one that failed, after the two that answered; with the database
// closed, it is the failure named first.
func TestDependencyFailuresNamed(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(dir, "webmail.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	attDir := filepath.Join(dir, "attachments")
	att, err := attachments.Open(t.Context(), "fs", attachments.Config{DataDir: attDir})
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := session.NewSealer("app-test-secret-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	a := New(Deps{DB: db, Attachments: att, Sessions: session.NewManager(session.NewMemory(), sealer, time.Hour, time.Hour)})

	r := a.CheckAllDependencies(t.Context())
	if failed, ok := r.Failed(); ok || len(r.Checks) != 3 {
		t.Fatalf("everything up: failed %+v, %d checks, want none failed of 3", failed, len(r.Checks))
	}

	if err := os.RemoveAll(attDir); err != nil {
		t.Fatal(err)
	}
	r = a.CheckAllDependencies(t.Context())
	if failed, ok := r.Failed(); !ok || failed.Dependency != DependencyAttachments || len(r.Checks) != 3 {
		t.Errorf("attachments gone: failed %+v (%v), %d checks; want attachments, 3 checks", failed, ok, len(r.Checks))
	}

	db.Close()
	r = a.CheckAllDependencies(t.Context())
	if failed, ok := r.Failed(); !ok || failed.Dependency != DependencyDatabase || len(r.Checks) != 3 {
		t.Errorf("database closed: failed %+v (%v), %d checks; want database first, 3 checks", failed, ok, len(r.Checks))
	}
}
