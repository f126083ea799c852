package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/store"
)

// openPair opens a migrated MariaDB primary + replica store with a lag
// bound of one second.
func openPair(t *testing.T) (*store.DB, *testenv.MariaDB) {
	t.Helper()
	m := testenv.NewMariaDB(t)
	db, err := store.Open(store.Options{WriteDSN: m.PrimaryDSN, ReadDSNs: []string{m.ReplicaDSN}, MaxReplicaLag: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, m
}

// replicaSQLThread stops or starts applying replicated changes on the
// replica, which makes it fall behind while it still answers.
func replicaSQLThread(t *testing.T, m *testenv.MariaDB, verb string) {
	t.Helper()
	root, err := sql.Open("mysql", m.RootReplicaDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if _, err := root.Exec(verb + " SLAVE SQL_THREAD"); err != nil {
		t.Fatal(err)
	}
}

func status(t *testing.T, db *store.DB) store.ReplicaStatus {
	t.Helper()
	rs := db.Replicas()
	if len(rs) != 1 {
		t.Fatalf("Replicas() = %+v, want one", rs)
	}
	return rs[0]
}

// beatAndCheck writes a heartbeat, waits for it on the replica when it
// replicates, and checks the replicas.
func beatAndCheck(t *testing.T, db *store.DB, m *testenv.MariaDB, replicating bool) {
	t.Helper()
	ctx := context.Background()
	if err := db.Beat(ctx); err != nil {
		t.Fatal(err)
	}
	if replicating {
		m.WaitReplicated(t)
	}
	db.CheckReplicas(ctx)
}

// TestReplicaRotationFollowsLagAndReachability takes the replica out when
// it lags past the bound or stops, and puts it back when it recovers.
func TestReplicaRotationFollowsLagAndReachability(t *testing.T) {
	db, m := openPair(t)
	ctx := context.Background()
	if !db.NeedsHeartbeat() {
		t.Fatal("a store with a replica needs the heartbeat")
	}
	beatAndCheck(t, db, m, true)
	if s := status(t, db); !s.Checked || !s.Reachable || !s.InRotation || s.Lag > time.Second {
		t.Fatalf("fresh replica: %+v", s)
	}
	if db.Read() == db.Write() {
		t.Fatal("Read() chose the primary while the replica is in rotation")
	}

	// Lagging: it answers, but what it has applied is older than the bound.
	replicaSQLThread(t, m, "STOP")
	stale := time.Now()
	for time.Since(stale) < 1500*time.Millisecond {
		beatAndCheck(t, db, m, false)
		time.Sleep(200 * time.Millisecond)
	}
	beatAndCheck(t, db, m, false)
	if s := status(t, db); !s.Reachable || s.InRotation || s.Lag <= time.Second {
		t.Fatalf("lagging replica: %+v, want reachable, out of rotation, lag over 1s", s)
	}
	fallbacks := db.PrimaryFallbacks()
	if db.Read() != db.Write() {
		t.Fatal("Read() chose a lagging replica")
	}
	if db.PrimaryFallbacks() != fallbacks+1 {
		t.Fatal("the fallback to the primary was not counted")
	}
	replicaSQLThread(t, m, "START")
	beatAndCheck(t, db, m, true)
	if s := status(t, db); !s.InRotation {
		t.Fatalf("caught-up replica: %+v, want back in rotation", s)
	}

	// Stopped: out, and reads keep working on the primary.
	if _, err := db.RecordLogin(ctx, "ida@example.test"); err != nil {
		t.Fatal(err)
	}
	m.WaitReplicated(t)
	m.StopReplica(t)
	started := false
	defer func() {
		if !started {
			m.StartReplica(t)
		}
	}()
	db.CheckReplicas(ctx)
	if s := status(t, db); s.Reachable || s.InRotation {
		t.Fatalf("stopped replica: %+v", s)
	}
	if _, err := db.UserByEmail(ctx, "ida@example.test"); err != nil {
		t.Fatalf("read with the replica down: %v", err)
	}
	m.StartReplica(t)
	started = true
	beatAndCheck(t, db, m, true)
	if s := status(t, db); !s.InRotation {
		t.Fatalf("restarted replica: %+v, want back in rotation", s)
	}
}

// TestReadYourWrites reads a row just written: from a replica that has not
// applied it yet the row is missing, and with the read-your-writes mark the
// read goes to the primary and finds it.
func TestReadYourWrites(t *testing.T) {
	db, m := openPair(t)
	ctx := context.Background()
	replicaSQLThread(t, m, "STOP")
	defer replicaSQLThread(t, m, "START")
	if _, err := db.RecordLogin(ctx, "jo@example.test"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UserByEmail(ctx, "jo@example.test"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unmarked read from the stale replica: %v, want ErrNotFound (the test needs a stale replica)", err)
	}
	marked := store.WithPrimaryReads(ctx)
	if !store.PrimaryReads(marked) || store.PrimaryReads(ctx) {
		t.Fatal("PrimaryReads does not follow WithPrimaryReads")
	}
	if db.ReadFor(marked) != db.Write() {
		t.Fatal("ReadFor(marked) is not the primary")
	}
	if u, err := db.UserByEmail(marked, "jo@example.test"); err != nil || u.Email != "jo@example.test" {
		t.Fatalf("read-your-writes read: %+v, %v", u, err)
	}
}

// TestPrimaryDown: writes fail as ErrUnavailable, reads go on from the
// replica, even those marked for the primary; the send notices every page
// shows are such a read.
func TestPrimaryDown(t *testing.T) {
	db, m := openPair(t)
	ctx := context.Background()
	kai, err := db.RecordLogin(ctx, "kai@example.test")
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
	_, err = db.RecordLogin(ctx, "kai@example.test")
	if !errors.Is(err, store.ErrUnavailable) || !store.IsUnavailable(err) {
		t.Fatalf("write with the primary down: %v, want ErrUnavailable", err)
	}
	for _, c := range []context.Context{ctx, store.WithPrimaryReads(ctx)} {
		if u, err := db.UserByEmail(c, "kai@example.test"); err != nil || u.Email != "kai@example.test" {
			t.Fatalf("read with the primary down (primary reads %v): %+v, %v", store.PrimaryReads(c), u, err)
		}
		if _, err := db.OutboxNoticesFromReplica(c, kai.ID); err != nil {
			t.Fatalf("send notices with the primary down (primary reads %v): %v", store.PrimaryReads(c), err)
		}
	}
	if store.IsUnavailable(store.ErrNotFound) || store.IsUnavailable(nil) {
		t.Fatal("IsUnavailable is true for errors that are not about reaching the server")
	}
	m.StartPrimary(t)
	started = true
	waitUntil(t, "writes after the primary is back", 20*time.Second, func() error {
		_, err := db.RecordLogin(ctx, "kai@example.test")
		return err
	})
}

func waitUntil(t *testing.T, what string, timeout time.Duration, try func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := try()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after %s: %v", what, timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestLoginFailures(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, _ := openMigrated(t, b)
			ctx := context.Background()
			now := time.Now()
			window := 15 * time.Minute
			for _, ago := range []time.Duration{20 * time.Minute, 10 * time.Minute, 5 * time.Minute, time.Minute} {
				if _, err := db.AddLoginFailure(ctx, "user:lea@example.test", now.Add(-ago)); err != nil {
					t.Fatal(err)
				}
			}
			// Three failures within the window (the 20-minute-old one is out).
			if until, err := db.LoginBlockedUntil(ctx, "user:lea@example.test", 4, window, now); err != nil || !until.IsZero() {
				t.Fatalf("limit 4: blocked until %v, %v; want not blocked", until, err)
			}
			until, err := db.LoginBlockedUntil(ctx, "user:lea@example.test", 3, window, now)
			if err != nil {
				t.Fatal(err)
			}
			// Blocked until the oldest of the three leaves the window.
			want := now.Add(-10 * time.Minute).Add(window)
			if d := until.Sub(want); d < -time.Millisecond || d > time.Millisecond {
				t.Fatalf("limit 3: blocked until %v, want %v", until, want)
			}
			if until, _ := db.LoginBlockedUntil(ctx, "user:other@example.test", 1, window, now); !until.IsZero() {
				t.Fatal("another key is blocked")
			}
			if n, err := db.CountLoginFailures(ctx, "user:lea@example.test", window, now); err != nil || n != 3 {
				t.Fatalf("count: %d, %v; want 3 within the window", n, err)
			}
			n, err := db.PruneLoginFailures(ctx, now.Add(-window))
			if err != nil || n != 1 {
				t.Fatalf("prune: %d, %v; want 1", n, err)
			}
			if err := db.ClearLoginFailures(ctx, "user:lea@example.test"); err != nil {
				t.Fatal(err)
			}
			if until, _ := db.LoginBlockedUntil(ctx, "user:lea@example.test", 1, window, now); !until.IsZero() {
				t.Fatal("still blocked after Clear")
			}
		})
	}
}

func TestDomains(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, _ := openMigrated(t, b)
			ctx := context.Background()
			v0, err := db.DomainsVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.SaveDomain(ctx, store.Domain{Name: "Example.COM", IMAP: "imaps://mx1:993", SMTP: "smtps://mx1"}); err != nil {
				t.Fatal(err)
			}
			if err := db.SaveDomain(ctx, store.Domain{Name: "b.example", IMAP: "imap://mx2"}); err != nil {
				t.Fatal(err)
			}
			v1, _ := db.DomainsVersion(store.WithPrimaryReads(ctx))
			if v1 == v0 {
				t.Fatal("version unchanged after adding")
			}
			ds, err := db.Domains(store.WithPrimaryReads(ctx))
			if err != nil || len(ds) != 2 || ds[1].Name != "example.com" || ds[1].IMAP != "imaps://mx1:993" || ds[0].SMTP != "" {
				t.Fatalf("Domains = %+v, %v", ds, err)
			}
			time.Sleep(2 * time.Millisecond) // updated_at is in ms
			if err := db.SaveDomain(ctx, store.Domain{Name: "example.com", IMAP: "imaps://mx9:993"}); err != nil {
				t.Fatal(err)
			}
			v2, _ := db.DomainsVersion(store.WithPrimaryReads(ctx))
			if v2 == v1 {
				t.Fatal("version unchanged after an update")
			}
			if err := db.DeleteDomain(ctx, "EXAMPLE.com"); err != nil {
				t.Fatal(err)
			}
			v3, _ := db.DomainsVersion(store.WithPrimaryReads(ctx))
			if v3 == v2 {
				t.Fatal("version unchanged after a removal")
			}
			if err := db.DeleteDomain(ctx, "example.com"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("removing a missing domain: %v", err)
			}
		})
	}
}

func TestNamedLocks(t *testing.T) {
	m := testenv.NewMariaDB(t)
	open := func() *store.DB {
		db, err := store.Open(store.Options{WriteDSN: m.PrimaryDSN})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	ctx := context.Background()
	one, two := open(), open()
	name := "wmtest_lock_" + m.Database
	held, err := one.TryLock(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := held.Check(ctx); err != nil {
		t.Fatalf("Check on a held lock: %v", err)
	}
	if _, err := two.TryLock(ctx, name); !errors.Is(err, store.ErrLockHeld) {
		t.Fatalf("second TryLock: %v, want ErrLockHeld", err)
	}
	if err := held.Release(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := two.TryLock(ctx, name)
	if err != nil {
		t.Fatalf("TryLock after Release: %v", err)
	}
	defer again.Release(ctx)

	lite, err := store.Open(store.Options{SQLitePath: filepath.Join(t.TempDir(), "l.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if _, err := lite.TryLock(ctx, name); err == nil {
		t.Fatal("SQLite pretended to take a named lock")
	}
}
