package cluster_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisOutage is how long Redis stays down in step 5.
const redisOutage = 2 * time.Second

// stepRedisRestarted: Redis, which holds the sessions, is stopped under
// load and started again, twice.
//
//  1. With persistence, as production should run it (docker-compose.yml:
//     appendonly yes): Redis writes its data when stopped and reads it
//     back, so sessions survive and users go on without signing in.
//  2. Without persistence, as testenv runs it (a cache-only Redis): every
//     session is gone, each user is sent to the login form exactly once,
//     signs in again and goes on.
//
// During each outage the only error users may see is a 503 ("temporarily
// unavailable", from the instance or, once every instance reports itself
// unready, from HAProxy); once HAProxy has the instances back, nothing
// fails.
func stepRedisRestarted(t *testing.T, c *cluster) {
	ctx := context.Background()
	rc := redis.NewClient(&redis.Options{Addr: c.redis.Addr})
	defer rc.Close()

	// 1. With persistence: a save point makes Redis write a snapshot on
	// SIGTERM; it loads the file when it starts.
	dir, err := rc.ConfigGet(ctx, "dir").Result()
	if err != nil {
		t.Fatal(err)
	}
	file, err := rc.ConfigGet(ctx, "dbfilename").Result()
	if err != nil {
		t.Fatal(err)
	}
	snapshot := filepath.Join(dir["dir"], file["dbfilename"])
	if err := rc.ConfigSet(ctx, "save", "3600 1").Err(); err != nil {
		t.Fatal(err)
	}
	kept := c.redisOutage(t, "with persistence")
	// Back to what testenv promises: a restart empties Redis.
	if err := os.Remove(snapshot); err != nil {
		t.Fatalf("removing the Redis snapshot: %v", err)
	}
	if kept.after.signedOut > 0 {
		t.Errorf("with persistence, %d requests found their session gone after the restart", kept.after.signedOut)
	}

	// 2. Without persistence.
	lost := c.redisOutage(t, "without persistence")
	perUser := map[int]int{}
	for _, r := range lost.results {
		if r.signedOut() {
			perUser[r.user]++
		}
	}
	for _, u := range c.users {
		if perUser[u.index] != 1 {
			t.Errorf("without persistence, user %d was sent to the login form %d times, want exactly once", u.index, perUser[u.index])
		}
	}
	report(t, "without persistence every session is lost: %d of %d users were sent to the login form once, signed in again and went on", len(perUser), len(c.users))
	c.checkSignedIn(t)
}

// outage is what users saw around one Redis restart.
type outage struct {
	results       []result
	during, after tally
}

// redisOutage stops Redis for redisOutage under load, starts it, waits
// until HAProxy has every instance back, and loads 3 s more.
func (c *cluster) redisOutage(t *testing.T, what string) outage {
	t.Helper()
	l := startLoad(t, c.users)
	time.Sleep(time.Second)
	stopped := time.Now()
	c.redis.Stop(t)
	time.Sleep(redisOutage)
	c.redis.Start(t)
	c.waitAllUp(t)
	back := time.Now()
	time.Sleep(3 * time.Second)
	results := l.stop()

	o := outage{
		results: results,
		during:  count(results, func(r result) bool { return r.end.After(stopped) && r.start.Before(back) }),
		after:   count(results, func(r result) bool { return r.start.After(back) }),
	}
	report(t, "Redis %s, down %s under load: from the stop until HAProxy had all instances back (%.1fs): %s; after that: %s",
		what, redisOutage, back.Sub(stopped).Seconds(), o.during, o.after)
	if o.during.other > 0 {
		t.Errorf("Redis %s: %d requests failed with something else than a 503 during the outage:%s",
			what, o.during.other, failures(filter(results, func(r result) bool { return !r.clear503() && !r.signedOut() }), 5))
	}
	if o.after.failed-o.after.signedOut > 0 {
		t.Errorf("Redis %s: %d requests failed after the instances were back:%s", what, o.after.failed-o.after.signedOut,
			failures(filter(results, func(r result) bool { return r.start.After(back) && !r.signedOut() }), 5))
	}
	return o
}
