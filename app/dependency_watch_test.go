package app

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// TestCheckAllDependencies: with the session store unreachable (a Redis
// client of a port nothing listens on), every dependency is asked and
// only the session store is reported down; the instance itself is fit to
// serve (CheckInstance), since the outage is shared.
func TestCheckAllDependencies(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(dir, "webmail.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	att, err := attachments.Open(t.Context(), "fs", attachments.Config{DataDir: filepath.Join(dir, "attachments")})
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := session.NewSealer("app-test-secret-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	t.Cleanup(func() { client.Close() })
	a := New(Deps{DB: db, Attachments: att, Sessions: session.NewManager(session.NewRedis(client, "t:"), sealer, time.Hour, time.Hour)})

	r := a.CheckAllDependencies(t.Context())
	if len(r.Checks) != 3 {
		t.Fatalf("%d checks, want 3: %+v", len(r.Checks), r.Checks)
	}
	for _, check := range r.Checks {
		if down := check.Err != nil; down != (check.Dependency == DependencySessions) {
			t.Errorf("%s: err %v; want only the session store down", check.Dependency, check.Err)
		}
	}
	if err := a.CheckInstance(t.Context()); err != nil {
		t.Errorf("CheckInstance with the session store down: %v, want nil (a shared outage)", err)
	}
	if a.SessionsDown() {
		t.Error("SessionsDown before any watch round, want false (unknown)")
	}
	a.recordDependencies(r, time.Now())
	if !a.SessionsDown() {
		t.Error("SessionsDown after a round that found it down, want true")
	}
}

// TestRecordDependencies: Since stays while a dependency keeps its state
// and moves when it changes; Error is kept for operators while it is down.
func TestRecordDependencies(t *testing.T) {
	a := New(Deps{})
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	round := func(sessionsErr error, at time.Time) DependencyState {
		a.recordDependencies(Readiness{Checks: []DependencyCheck{{Dependency: DependencyDatabase}, {Dependency: DependencySessions, Err: sessionsErr}}}, at)
		states := a.DependencyStates()
		if len(states) != 2 || states[1].Dependency != DependencySessions {
			t.Fatalf("states %+v, want database and sessions", states)
		}
		return states[1]
	}
	if s := round(nil, t0); !s.Up || !s.Since.Equal(t0) {
		t.Errorf("first round up: %+v", s)
	}
	down := errors.New("dial tcp 127.0.0.1:6379: connection refused")
	if s := round(down, t0.Add(2*time.Second)); s.Up || s.Error != down.Error() || !s.Since.Equal(t0.Add(2*time.Second)) {
		t.Errorf("gone down: %+v, want down since the round, with the error", s)
	}
	if s := round(down, t0.Add(4*time.Second)); !s.Since.Equal(t0.Add(2*time.Second)) || !s.Checked.Equal(t0.Add(4*time.Second)) {
		t.Errorf("still down: %+v, want since unchanged and checked moved", s)
	}
	if s := round(nil, t0.Add(6*time.Second)); !s.Up || s.Error != "" || !s.Since.Equal(t0.Add(6*time.Second)) {
		t.Errorf("back: %+v, want up since the round, no error", s)
	}
}
