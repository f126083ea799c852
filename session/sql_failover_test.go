package session_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// TestSQLPrimaryDown: with sessions in SQL and the primary stopped, a
// session written (and replicated) before loads from the replica, even
// when it is due for an idle-timeout refresh that cannot be written; an
// unknown one is still "no session", not an error. Once the primary is
// back, refreshes are written again.
func TestSQLPrimaryDown(t *testing.T) {
	m := testenv.NewMariaDB(t)
	db, err := store.Open(store.Options{WriteDSN: m.PrimaryDSN, ReadDSNs: []string{m.ReplicaDSN}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	mgr := newManager(t, session.NewSQL(db))
	mgr.SetLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	now := time.Now()
	mgr.SetClock(func() time.Time { return now })
	s, err := mgr.Create(ctx, "u@example.test", "pw")
	if err != nil {
		t.Fatal(err)
	}
	m.WaitReplicated(t)

	m.StopPrimary(t)
	started := false
	defer func() {
		if !started {
			m.StartPrimary(t)
		}
	}()
	now = now.Add(2 * time.Minute) // due for a refresh
	got, err := mgr.Load(ctx, s.ID)
	if err != nil {
		t.Fatalf("Load with the primary down: %v", err)
	}
	if pw, err := mgr.Password(got); got.User != "u@example.test" || err != nil || pw != "pw" {
		t.Fatalf("session read from the replica: %+v, password %q, %v", got, pw, err)
	}
	if !strings.Contains(logs.String(), "idle timeout not extended") {
		t.Errorf("the skipped refresh was not logged: %q", logs.String())
	}
	if _, err := mgr.Load(ctx, session.NewID()); !session.IsNotFound(err) {
		t.Fatalf("unknown session with the primary down: %v, want not found", err)
	}

	m.StartPrimary(t)
	started = true
	waitOK(t, "the primary back", 20*time.Second, func() error { return db.Write().PingContext(ctx) })
	logs.Reset()
	now = now.Add(2 * time.Minute)
	if _, err := mgr.Load(ctx, s.ID); err != nil {
		t.Fatalf("Load with the primary back: %v", err)
	}
	if stored, err := mgr.Store().Get(ctx, s.ID); err != nil || !stored.LastSeen.Equal(now) {
		t.Fatalf("refresh with the primary back: stored %+v, %v; want last seen %s (log %q)", stored, err, now, logs.String())
	}
}
