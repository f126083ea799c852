package cluster_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/internal/testenv"
)

// leaseTimeout bounds waiting for an instance to take the job lease; the
// lease itself lasts jobs.DefaultTTL (5 s).
const leaseTimeout = 30 * time.Second

// leaseHolding reports whether the instance's current run holds the job
// lease, from the runner's log lines: the last of "job lease acquired",
// "job lease released", "job lease lost" or a new start decides.
func leaseHolding(in *instance) bool {
	holding := false
	for _, line := range strings.Split(in.logText(), "\n") {
		switch {
		case strings.HasPrefix(line, "=== cluster test: start"),
			strings.Contains(line, "job lease released"),
			strings.Contains(line, "job lease lost"):
			holding = false
		case strings.Contains(line, "job lease acquired"):
			holding = true
		}
	}
	return holding && !in.exited()
}

// leaseHolders lists the running instances holding the lease.
func (c *cluster) leaseHolders() []*instance {
	var out []*instance
	for _, in := range c.instances {
		if leaseHolding(in) {
			out = append(out, in)
		}
	}
	return out
}

// waitLeaseHolder waits until exactly one instance, other than not,
// holds the lease, and returns it.
func (c *cluster) waitLeaseHolder(t *testing.T, not *instance) *instance {
	t.Helper()
	deadline := time.Now().Add(leaseTimeout)
	for {
		holders := c.leaseHolders()
		if len(holders) == 1 && holders[0] != not {
			return holders[0]
		}
		if time.Now().After(deadline) {
			var names []string
			for _, in := range holders {
				names = append(names, in.name)
			}
			t.Fatalf("after %s, the lease holders are %v; want exactly one (not the killed one)", leaseTimeout, names)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// heartbeat reads the time the job runner last wrote into the primary's
// heartbeat row (a cluster job that runs every second).
func heartbeat(t *testing.T, db *sql.DB) time.Time {
	t.Helper()
	var ms int64
	if err := db.QueryRow("SELECT ts FROM heartbeat WHERE id = 1").Scan(&ms); err != nil {
		t.Fatalf("reading the heartbeat row: %v", err)
	}
	return time.UnixMilli(ms)
}

// stepLeaseHolderKilled: the instance holding the job lease is SIGKILLed,
// so it cannot release the lease. Another instance takes it when it
// expires and runs the jobs: the heartbeat, which the holder writes every
// second, is written again. When the killed instance is back, still only
// one instance holds the lease.
func stepLeaseHolderKilled(t *testing.T, c *cluster) {
	primary, err := sql.Open("mysql", c.db.PrimaryDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()

	holder := c.waitLeaseHolder(t, nil)
	killed := time.Now()
	holder.kill(t)
	successor := c.waitLeaseHolder(t, holder)
	tookOver := time.Since(killed)
	deadline := time.Now().Add(leaseTimeout)
	for !heartbeat(t, primary).After(killed.Add(tookOver)) {
		if time.Now().After(deadline) {
			t.Fatalf("%s took the lease but the heartbeat job did not run within %s", successor.name, leaseTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
	beating := time.Since(killed)

	c.restart(t, holder)
	time.Sleep(2 * time.Second) // several renewal rounds with all three competing
	holders := c.leaseHolders()
	report(t, "lease holder %s SIGKILLed: %s took the lease after %.1fs (lease TTL 5s) and the heartbeat job ran again after %.1fs; with %s back, %d instance(s) hold the lease",
		holder.name, successor.name, tookOver.Seconds(), beating.Seconds(), holder.name, len(holders))
	if len(holders) != 1 || holders[0] != successor {
		t.Errorf("after the killed holder came back, %d instances hold the lease; want only %s", len(holders), successor.name)
	}
}

// saveSnapshot makes the Redis at addr write its data to disk, as a
// primary with persistence (appendonly, or save points) has it when it
// crashes, and returns the file's path. testenv restarts a killed primary
// at once; Sentinels that have not yet heard of the failover (they learn
// it from each other within about 2 s) still name the old address, and
// clients asking one of them connect to the restarted node. Restarted
// empty, it answers "no such session" and takes new sessions that vanish
// when it becomes a replica: users are signed out (all six of them in one
// of our first four runs). Restarted with its data, it serves the
// sessions it had until it follows the new primary. So Redis under
// Sentinel needs persistence too (README: Scaling out).
func saveSnapshot(t *testing.T, addr string) string {
	t.Helper()
	ctx := context.Background()
	rc := redis.NewClient(&redis.Options{Addr: addr})
	defer rc.Close()
	dir, err := rc.ConfigGet(ctx, "dir").Result()
	if err != nil {
		t.Fatal(err)
	}
	file, err := rc.ConfigGet(ctx, "dbfilename").Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Save(ctx).Err(); err != nil {
		t.Fatalf("SAVE on the Redis primary: %v", err)
	}
	return filepath.Join(dir["dir"], file["dbfilename"])
}

// stepSentinelFailover: the instances move to a Redis watched by
// Sentinels (stopped, given WEBMAIL_REDIS_SENTINELS and _MASTER instead of
// WEBMAIL_REDIS, started: the sessions of the old Redis stay behind, so
// users sign in once more), then the Redis primary, with its data on disk
// (saveSnapshot), is SIGKILLed under load and the Sentinels promote the
// replica. Sessions continue after the
// switch: nobody is sent to the login form, and once HAProxy has the
// instances back nothing fails.
func stepSentinelFailover(t *testing.T, c *cluster) {
	sentinel := testenv.NewRedisSentinel(t)
	var env []string
	for _, kv := range c.env {
		if !strings.HasPrefix(kv, "WEBMAIL_REDIS=") {
			env = append(env, kv)
		}
	}
	env = append(env, "WEBMAIL_REDIS_SENTINELS="+strings.Join(sentinel.SentinelAddrs, ","), "WEBMAIL_REDIS_MASTER="+sentinel.MasterName)
	for _, in := range c.instances {
		in.signal(syscall.SIGTERM)
	}
	for _, in := range c.instances {
		if code, err := exitCode(in.wait(drain + 40*time.Second)); err != nil || code != 0 {
			t.Fatalf("%s after SIGTERM: exit code %d, %v", in.name, code, err)
		}
		in.env = env
	}
	for _, in := range c.instances {
		in.start(t)
	}
	for _, in := range c.instances {
		in.waitReady(t)
	}
	c.waitAllUp(t)
	for _, u := range c.users {
		if r := u.get("/mail/INBOX", inboxMarker); !r.signedOut() {
			t.Fatalf("user %d on the new Redis: %v; want a redirect to the login form (the session was in the old Redis)", u.index, r)
		}
		if r := u.login(); !r.ok() {
			t.Fatalf("user %d signing in on the new Redis: %v", u.index, r)
		}
	}

	l := startLoad(t, c.users)
	time.Sleep(2 * time.Second)
	old := sentinel.PrimaryAddr(t)
	snapshot := saveSnapshot(t, old)
	killed := time.Now()
	promoted := sentinel.KillPrimary(t)
	os.Remove(snapshot) // testenv's next restart of that node is empty again
	failedOver := time.Since(killed)
	c.waitAllUp(t)
	back := time.Now()
	time.Sleep(3 * time.Second)
	results := l.stop()

	all := count(results, nil)
	during := count(results, func(r result) bool { return r.end.After(killed) && r.start.Before(back) })
	after := count(results, func(r result) bool { return r.start.After(back) })
	report(t, "Redis primary %s (its data on disk) SIGKILLed under load, Sentinels promoted %s (KillPrimary returned after %.1fs); from the kill until HAProxy had all instances back (%.1fs): %s; after that: %s",
		old, promoted, failedOver.Seconds(), back.Sub(killed).Seconds(), during, after)
	if all.signedOut > 0 {
		t.Errorf("%d requests found their session gone after the failover:%s", all.signedOut, failures(filter(results, result.signedOut), 5))
	}
	if during.other > 0 {
		t.Errorf("%d requests failed with something else than a 503 during the failover:%s", during.other,
			failures(filter(results, func(r result) bool { return !r.clear503() && !r.signedOut() }), 5))
	}
	if after.failed > 0 {
		t.Errorf("%d requests failed after the failover:%s", after.failed, failures(filter(results, func(r result) bool { return r.start.After(back) }), 5))
	}
}
