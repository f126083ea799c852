package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// TestReadinessWithPrimaryDown: with the MariaDB primary stopped, /readyz
// stays 200 while a replica answers, also once the replica is out of
// rotation for lag (nothing writes the heartbeat without a primary) and
// with sessions in SQL, and also when the replica stops too: the database
// is shared, so its outage is reported (app.CheckAllDependencies) instead
// of taking every instance out of the load balancer.
func TestReadinessWithPrimaryDown(t *testing.T) {
	m := testenv.NewMariaDB(t)
	db, err := store.Open(store.Options{WriteDSN: m.PrimaryDSN, ReadDSNs: []string{m.ReplicaDSN}, MaxReplicaLag: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordLogin(ctx, "lea@example.test"); err != nil {
		t.Fatal(err)
	}
	if err := db.Beat(ctx); err != nil {
		t.Fatal(err)
	}
	m.WaitReplicated(t)
	db.CheckReplicas(ctx)
	if r := db.Replicas()[0]; !r.InRotation {
		t.Fatalf("replica before the test: %+v, want in rotation", r)
	}

	deps, _ := testDeps(t, "127.0.0.1:1")
	deps.DB = db
	sealer, err := session.NewSealer("handlers-test-secret-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	deps.Sessions = session.NewManager(session.NewSQL(db), sealer, time.Hour, 12*time.Hour)
	hs := httptest.NewServer(deps.server().Routes())
	t.Cleanup(hs.Close)
	ready := func() (int, string) {
		t.Helper()
		resp, err := http.Get(hs.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(body))
	}
	if code, body := ready(); code != http.StatusOK {
		t.Fatalf("/readyz with everything up = %d %q", code, body)
	}

	m.StopPrimary(t)
	primaryUp := false
	defer func() {
		if !primaryUp {
			m.StartPrimary(t)
		}
	}()
	if code, body := ready(); code != http.StatusOK {
		t.Fatalf("/readyz with the primary down and the replica up = %d %q, want 200", code, body)
	}
	time.Sleep(1500 * time.Millisecond) // past the lag bound: no heartbeat without a primary
	db.CheckReplicas(ctx)
	if r := db.Replicas()[0]; r.InRotation || !r.Reachable {
		t.Fatalf("replica with the primary down for 1.5 s: %+v, want reachable and out of rotation", r)
	}
	if code, body := ready(); code != http.StatusOK {
		t.Fatalf("/readyz with the primary down and the replica lagging = %d %q, want 200", code, body)
	}
	if _, err := db.UserByEmail(ctx, "lea@example.test"); err != nil {
		t.Fatalf("a read while /readyz says ready: %v", err)
	}

	m.StopReplica(t)
	replicaUp := false
	defer func() {
		if !replicaUp {
			m.StartReplica(t)
		}
	}()
	// The whole database down is down for every instance: the instance
	// stays in rotation, and the outage shows to operators instead.
	if code, body := ready(); code != http.StatusOK {
		t.Fatalf("/readyz with primary and replica down = %d %q, want 200 (a shared outage)", code, body)
	}
	if failed, ok := app.New(deps.Deps).CheckAllDependencies(ctx).Failed(); !ok || failed.Dependency != app.DependencyDatabase {
		t.Fatalf("dependencies with primary and replica down: failed %+v (%v), want the database reported down", failed, ok)
	}

	m.StartPrimary(t)
	primaryUp = true
	m.StartReplica(t)
	replicaUp = true
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := ready()
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz with both back = %d %q", code, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
