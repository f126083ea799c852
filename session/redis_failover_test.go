package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/session"
)

// waitOK retries try until it succeeds or the deadline passes, and returns
// how many attempts failed on the way.
func waitOK(t *testing.T, what string, timeout time.Duration, try func() error) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	failed := 0
	for {
		err := try()
		if err == nil {
			return failed
		}
		failed++
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after %s: %v", what, timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func newManager(t *testing.T, st session.Store) *session.Manager {
	t.Helper()
	sealer, err := session.NewSealer(secret)
	if err != nil {
		t.Fatal(err)
	}
	return session.NewManager(st, sealer, time.Hour, 12*time.Hour)
}

func TestRedisOptionsModes(t *testing.T) {
	tests := []struct {
		name   string
		config session.RedisConfig
		check  func(t *testing.T, addrs []string, master string, cluster bool, db int, password string)
	}{
		{"address", session.RedisConfig{URL: "10.0.0.1:6379"}, func(t *testing.T, addrs []string, master string, cluster bool, db int, password string) {
			if len(addrs) != 1 || addrs[0] != "10.0.0.1:6379" || master != "" || cluster {
				t.Errorf("got %v %q %v", addrs, master, cluster)
			}
		}},
		{"url", session.RedisConfig{URL: "redis://:pw@10.0.0.1:6380/2"}, func(t *testing.T, addrs []string, master string, cluster bool, db int, password string) {
			if addrs[0] != "10.0.0.1:6380" || db != 2 || password != "pw" {
				t.Errorf("got %v db %d", addrs, db)
			}
		}},
		{"sentinel", session.RedisConfig{Sentinels: []string{"a:26379", "b:26379"}, MasterName: "mymaster", Password: "pw"}, func(t *testing.T, addrs []string, master string, cluster bool, db int, password string) {
			if len(addrs) != 2 || master != "mymaster" || password != "pw" {
				t.Errorf("got %v %q", addrs, master)
			}
		}},
		{"cluster with one seed", session.RedisConfig{Cluster: []string{"a:7000"}}, func(t *testing.T, addrs []string, master string, cluster bool, db int, password string) {
			if len(addrs) != 1 || !cluster {
				t.Errorf("got %v cluster=%v", addrs, cluster)
			}
		}},
	}
	for _, tt := range tests {
		opts, err := session.RedisOptions(tt.config)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if opts.DialTimeout == 0 || opts.ReadTimeout == 0 {
			t.Errorf("%s: no timeouts: an unreachable Redis would hang requests", tt.name)
		}
		tt.check(t, opts.Addrs, opts.MasterName, opts.IsClusterMode, opts.DB, opts.Password)
	}
	for _, bad := range []session.RedisConfig{{}, {URL: "redis://x:y:z/abc"}, {Sentinels: []string{"a:1"}}} {
		if _, err := session.RedisOptions(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// TestRedisRestart: while Redis is down, loading a session fails with an
// error that is not "no session" (the handlers show a 503 page, not the
// login form); when it is back, the same client works again without a
// restart. Redis kept nothing on disk, so the sessions are gone and users
// sign in again.
func TestRedisRestart(t *testing.T) {
	r := testenv.NewRedis(t)
	client, err := session.NewRedisClient(session.RedisConfig{URL: r.Addr})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	m := newManager(t, session.NewRedis(client, "test:"+t.Name()+":"))
	ctx := context.Background()
	s, err := m.Create(ctx, "u@example.test", "pw")
	if err != nil {
		t.Fatal(err)
	}
	r.Stop(t)
	running := false
	defer func() {
		if !running {
			r.Start(t)
		}
	}()
	_, err = m.Load(ctx, s.ID)
	if err == nil || session.IsNotFound(err) {
		t.Fatalf("Load with Redis down: %v, want an error other than not-found", err)
	}
	if err := m.Store().Ping(ctx); err == nil {
		t.Fatal("Ping succeeded with Redis down")
	}
	r.Start(t)
	running = true
	waitOK(t, "Ping after Redis restarted", 10*time.Second, func() error { return m.Store().Ping(ctx) })
	if _, err := m.Load(ctx, s.ID); !session.IsNotFound(err) {
		t.Fatalf("session after an empty restart: %v, want not found", err)
	}
	again, err := m.Create(ctx, "u@example.test", "pw")
	if err != nil {
		t.Fatalf("Create after restart: %v", err)
	}
	if _, err := m.Load(ctx, again.ID); err != nil {
		t.Fatalf("Load after restart: %v", err)
	}
}

// TestRedisSentinelFailover kills the Redis primary: the client finds the
// promoted replica through the Sentinels, and sessions written before the
// failover (and replicated) are still there.
func TestRedisSentinelFailover(t *testing.T) {
	rs := testenv.NewRedisSentinel(t)
	client, err := session.NewRedisClient(session.RedisConfig{Sentinels: rs.SentinelAddrs, MasterName: rs.MasterName})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	m := newManager(t, session.NewRedis(client, "test:"+t.Name()+":"))
	ctx := context.Background()
	s, err := m.Create(ctx, "u@example.test", "pw")
	if err != nil {
		t.Fatal(err)
	}
	// Replication is asynchronous: make sure the replica has the session
	// before the primary dies, as it would a moment later in production.
	if n, err := client.Do(ctx, "WAIT", 1, 5000).Int(); err != nil || n < 1 {
		t.Fatalf("WAIT for the replica: %d, %v", n, err)
	}
	old := rs.PrimaryAddr(t)
	promoted := rs.KillPrimary(t)
	if promoted == old {
		t.Fatal("no failover happened")
	}
	failed := waitOK(t, "Load after the failover", 30*time.Second, func() error {
		_, err := m.Load(ctx, s.ID)
		if session.IsNotFound(err) {
			t.Fatalf("the session was lost in the failover")
		}
		return err
	})
	t.Logf("failover %s -> %s: %d failed loads before the client found the new primary", old, promoted, failed)
	again, err := m.Create(ctx, "u@example.test", "pw")
	if err != nil {
		t.Fatalf("Create after the failover: %v", err)
	}
	if _, err := m.Load(ctx, again.ID); err != nil {
		t.Fatalf("Load after the failover: %v", err)
	}
}
