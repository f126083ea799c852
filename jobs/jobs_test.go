package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/jobs"
	"github.com/webmail/webmail/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// Test timing: fast enough for a test, with the same proportions as the
// defaults.
const (
	testTTL   = 4 * time.Second
	testRenew = 400 * time.Millisecond
)

// runLog records which runner ran the shared job, in order.
type runLog struct {
	mu   sync.Mutex
	runs []string
}

func (l *runLog) add(name string) {
	l.mu.Lock()
	l.runs = append(l.runs, name)
	l.mu.Unlock()
}

func (l *runLog) reset() {
	l.mu.Lock()
	l.runs = nil
	l.mu.Unlock()
}

func (l *runLog) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.runs...)
}

func (l *runLog) count(name string) int {
	n := 0
	for _, r := range l.snapshot() {
		if r == name {
			n++
		}
	}
	return n
}

// crashableLease stands for an instance that dies without a word: once
// crashed, its lease calls fail and it never releases anything.
type crashableLease struct {
	jobs.Lease
	crashed atomic.Bool
}

var errCrashed = errors.New("instance crashed")

func (c *crashableLease) Acquire(ctx context.Context) (bool, error) {
	if c.crashed.Load() {
		return false, errCrashed
	}
	return c.Lease.Acquire(ctx)
}

func (c *crashableLease) Renew(ctx context.Context) (bool, error) {
	if c.crashed.Load() {
		return false, errCrashed
	}
	return c.Lease.Renew(ctx)
}

func (c *crashableLease) Holder(ctx context.Context) (string, error) {
	return c.Lease.(jobs.Holder).Holder(ctx)
}

func (c *crashableLease) Release(ctx context.Context) error {
	if c.crashed.Load() {
		return nil
	}
	return c.Lease.Release(ctx)
}

// instance is one runner in a test, with its own cancel.
type instance struct {
	name   string
	runner *jobs.Runner
	lease  *crashableLease
	cancel context.CancelFunc
	done   chan struct{}
}

func startInstance(t *testing.T, name string, lease jobs.Lease, log *runLog) *instance {
	t.Helper()
	in := &instance{name: name, lease: &crashableLease{Lease: lease}, done: make(chan struct{})}
	in.runner = jobs.New(in.lease, jobs.Options{Instance: name, TTL: testTTL, RenewEvery: testRenew})
	in.runner.Register(jobs.Job{Name: "record", Every: 50 * time.Millisecond, Run: func(context.Context) error {
		log.add(name)
		return nil
	}})
	ctx, cancel := context.WithCancel(context.Background())
	in.cancel = cancel
	go func() {
		defer close(in.done)
		in.runner.Run(ctx)
	}()
	t.Cleanup(in.stop)
	return in
}

func (in *instance) stop() {
	in.cancel()
	<-in.done
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s", what, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// leader waits until exactly one of the instances leads and returns it.
func leader(t *testing.T, instances ...*instance) *instance {
	t.Helper()
	var found *instance
	waitFor(t, "one instance leading", 20*time.Second, func() bool {
		found = nil
		n := 0
		for _, in := range instances {
			if in.runner.Leading() {
				found = in
				n++
			}
		}
		return n == 1
	})
	return found
}

// assertOneRunner checks that, while every instance is alive, only the
// leader's job runs, and the others' never do.
func assertOneRunner(t *testing.T, log *runLog, lead *instance, instances ...*instance) {
	t.Helper()
	before := log.count(lead.name)
	waitFor(t, lead.name+" running the job", 10*time.Second, func() bool { return log.count(lead.name) >= before+5 })
	for _, in := range instances {
		if in != lead && log.count(in.name) != 0 {
			t.Fatalf("%s ran the job %d times while %s held the lease", in.name, log.count(in.name), lead.name)
		}
	}
}

// assertHandover checks the run log is one runner's runs, then the
// other's: never interleaved, which would mean both ran at once.
func assertHandover(t *testing.T, log *runLog, from, to string) {
	t.Helper()
	runs := log.snapshot()
	switched := false
	for i, r := range runs {
		switch {
		case r == to:
			switched = true
		case r == from && switched:
			t.Fatalf("run %d by %s after %s had taken over: %s", i, from, to, strings.Join(runs, " "))
		case r != from && r != to:
			t.Fatalf("run %d by unexpected %s", i, r)
		}
	}
}

func redisLeases(t *testing.T) func(owner string) jobs.Lease {
	r := testenv.NewRedis(t)
	client := redis.NewClient(&redis.Options{Addr: r.Addr})
	t.Cleanup(func() { client.Close() })
	key := "test:" + t.Name() + ":lease"
	return func(owner string) jobs.Lease { return jobs.NewRedisLease(client, key, owner, testTTL) }
}

func TestRedisLeaseOneRunnerAndHandover(t *testing.T) {
	lease := redisLeases(t)
	log := &runLog{}
	a := startInstance(t, "a", lease("a"), log)
	b := startInstance(t, "b", lease("b"), log)
	c := startInstance(t, "c", lease("c"), log)
	first := leader(t, a, b, c)
	assertOneRunner(t, log, first, a, b, c)
	holder, ok, err := first.runner.LeaseHolder(context.Background())
	if err != nil || !ok || holder != first.name {
		t.Fatalf("LeaseHolder = %q, %v, %v; want %q", holder, ok, err, first.name)
	}

	// A clean stop releases the lease: another instance takes over.
	first.stop()
	var rest []*instance
	for _, in := range []*instance{a, b, c} {
		if in != first {
			rest = append(rest, in)
		}
	}
	second := leader(t, rest...)
	waitFor(t, second.name+" running the job", 10*time.Second, func() bool { return log.count(second.name) >= 3 })
	assertHandover(t, log, first.name, second.name)

	// A crash releases nothing: the lease expires and the last instance
	// takes over within the TTL and a few retries, and the crashed one
	// stopped its jobs before that.
	log.reset()
	second.lease.crashed.Store(true)
	var third *instance
	for _, in := range rest {
		if in != second {
			third = in
		}
	}
	waitFor(t, third.name+" taking over from the crashed "+second.name, 3*testTTL+10*time.Second, func() bool {
		return third.runner.Leading() && log.count(third.name) >= 3
	})
	if second.runner.Leading() {
		t.Fatalf("crashed %s still believes it leads", second.name)
	}
	assertHandover(t, log, second.name, third.name)
}

func TestSQLLeaseOneRunnerAndHandover(t *testing.T) {
	m := testenv.NewMariaDB(t)
	open := func() *store.DB {
		db, err := store.Open(store.Options{WriteDSN: m.PrimaryDSN})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	lockName := "wmtest_jobs_" + m.Database
	log := &runLog{}
	a := startInstance(t, "a", jobs.NewSQLLease(open(), lockName), log)
	b := startInstance(t, "b", jobs.NewSQLLease(open(), lockName), log)
	first := leader(t, a, b)
	assertOneRunner(t, log, first, a, b)
	other := b
	if first == b {
		other = a
	}

	// The holder's connection drops (its process died, its host went
	// away): the server frees the lock and the other instance takes it.
	root, err := sql.Open("mysql", m.RootPrimaryDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var connID int64
	if err := root.QueryRow(`SELECT IS_USED_LOCK(?)`, lockName).Scan(&connID); err != nil {
		t.Fatal(err)
	}
	if _, err := root.Exec(fmt.Sprintf("KILL %d", connID)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, other.name+" taking over", 20*time.Second, func() bool {
		return other.runner.Leading() && !first.runner.Leading()
	})
	after := log.count(first.name)
	waitFor(t, other.name+" running the job", 10*time.Second, func() bool { return log.count(other.name) >= 5 })
	if n := log.count(first.name); n != after {
		t.Fatalf("%s ran %d more times after losing its lock", first.name, n-after)
	}
	// The old holder competes again but cannot take the lock.
	if first.runner.Leading() {
		t.Fatalf("%s leads again while %s holds the lock", first.name, other.name)
	}

	// A clean stop hands over at once.
	other.stop()
	waitFor(t, first.name+" taking over after a clean stop", 20*time.Second, first.runner.Leading)
}

func TestLocalLeaseAndRegistration(t *testing.T) {
	r := jobs.New(jobs.LocalLease{}, jobs.Options{Instance: "solo", TTL: testTTL, RenewEvery: testRenew})
	var runs, failures atomic.Int64
	r.Register(jobs.Job{Name: "ok", Every: 20 * time.Millisecond, Run: func(context.Context) error { runs.Add(1); return nil }})
	r.Register(jobs.Job{Name: "bad", Every: 20 * time.Millisecond, Run: func(context.Context) error {
		failures.Add(1)
		return errors.New("server down")
	}})
	mustPanic(t, "duplicate name", func() {
		r.Register(jobs.Job{Name: "ok", Every: time.Second, Run: func(context.Context) error { return nil }})
	})
	mustPanic(t, "no interval", func() { r.Register(jobs.Job{Name: "x", Run: func(context.Context) error { return nil }}) })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Run(ctx) }()
	waitFor(t, "both jobs running", 10*time.Second, func() bool { return runs.Load() >= 3 && failures.Load() >= 3 })
	mustPanic(t, "register after Run", func() {
		r.Register(jobs.Job{Name: "late", Every: time.Second, Run: func(context.Context) error { return nil }})
	})
	cancel()
	<-done
	if r.Leading() {
		t.Fatal("still leading after Run returned")
	}
	stats := map[string]jobs.JobStats{}
	for _, s := range r.Stats() {
		stats[s.Name] = s
	}
	if s := stats["ok"]; s.Runs < 3 || s.Failures != 0 || s.LastSuccess.IsZero() {
		t.Errorf("ok stats %+v", s)
	}
	if s := stats["bad"]; s.Failures < 3 || !s.LastSuccess.IsZero() {
		t.Errorf("bad stats %+v", s)
	}
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}
