package cluster_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisOutage is how long Redis stays down in step 5: longer than the
// Redis client waits and retries within one request (about 2 s), so that
// users meet the outage and see our page.
const redisOutage = 5 * time.Second

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
// During each outage every instance stays in HAProxy's rotation (a
// session store down is down for all of them: /readyz keeps answering
// 200), and the only error users may see is our own 503 page saying that
// signing in is unavailable, never HAProxy's. Once Redis answers again,
// nothing fails.
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

// redisOutage stops Redis for redisOutage under load while watching
// HAProxy's view of the instances, starts it, waits until a page needing
// the session is served again, and loads 3 s more.
func (c *cluster) redisOutage(t *testing.T, what string) outage {
	t.Helper()
	l := startLoad(t, c.users)
	time.Sleep(time.Second)
	// The probe's session, taken while every user is signed in (the load
	// may find it gone later, and sign in again).
	session := c.users[0].sessionCookie()
	if session == nil {
		t.Fatal("user 0 has no session cookie before the outage")
	}
	watch := c.watchRotation()
	stopped := time.Now()
	c.redis.Stop(t)
	time.Sleep(redisOutage)
	c.redis.Start(t)
	back := c.waitSessionsServed(t, session)
	samples, notUp := watch()
	time.Sleep(3 * time.Second)
	results := l.stop()

	o := outage{
		results: results,
		during:  count(results, func(r result) bool { return r.end.After(stopped) && r.start.Before(back) }),
		after:   count(results, func(r result) bool { return r.start.After(back) }),
	}
	ours := count(results, func(r result) bool { return r.clear503() && r.signInUnavailable })
	report(t, "Redis %s, down %s under load: from the stop until pages were served again (%.1fs): %s, of which %d answered our \"sign-in is unavailable\" page; HAProxy had all %d instances UP in %d of %d samples; after that: %s",
		what, redisOutage, back.Sub(stopped).Seconds(), o.during, ours.requests, len(c.instances), samples-len(notUp), samples, o.after)
	if len(notUp) > 0 {
		t.Errorf("Redis %s: HAProxy took instances out of rotation during a shared outage: %s", what, strings.Join(notUp[:min(len(notUp), 5)], "; "))
	}
	if o.during.other > 0 {
		t.Errorf("Redis %s: %d requests failed with something else than a 503 during the outage:%s",
			what, o.during.other, failures(filter(results, func(r result) bool { return !r.clear503() && !r.signedOut() }), 5))
	}
	if bare := filter(results, func(r result) bool { return r.clear503() && !r.signInUnavailable }); len(bare) > 0 {
		t.Errorf("Redis %s: %d answers of 503 were not our sign-in-unavailable page (HAProxy's: %d):%s", what, len(bare),
			len(filter(bare, func(r result) bool { return r.balancerPage })), failures(bare, 5))
	}
	if o.during.clear503 == 0 {
		t.Errorf("Redis %s: no request saw the outage; the step proves nothing", what)
	}
	if o.after.failed-o.after.signedOut > 0 {
		t.Errorf("Redis %s: %d requests failed after pages were served again:%s", what, o.after.failed-o.after.signedOut,
			failures(filter(results, func(r result) bool { return r.start.After(back) && !r.signedOut() }), 5))
	}
	return o
}

// watchRotation samples HAProxy's status of every instance every 50 ms
// until the returned function is called, which returns the number of
// samples and a description of each instance seen other than UP.
func (c *cluster) watchRotation() func() (int, []string) {
	done := make(chan struct{})
	var samples int
	var notUp []string
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
			samples++
			for _, in := range c.instances {
				status, err := c.lb.LookupServerStatus(backend, in.name)
				if err != nil || status != "UP" {
					notUp = append(notUp, fmt.Sprintf("%s %q (%v) at %s", in.name, status, err, time.Now().Format("15:04:05.000")))
				}
			}
		}
	}()
	return func() (int, []string) {
		close(done)
		<-finished
		return samples, notUp
	}
}

// waitSessionsServed waits until a signed-in page on every instance is no
// longer our sign-in-unavailable page (Redis answers the instances again:
// the page is served, or the user is sent to sign in when Redis came back
// empty) for a request with session, and returns when.
func (c *cluster) waitSessionsServed(t *testing.T, session *http.Cookie) time.Time {
	t.Helper()
	// Every instance is asked directly, not through HAProxy: each one's
	// Redis client finds Redis back on its own (go-redis, after failed
	// dials, tries again once a second while failing requests at once), so
	// one instance serving again says nothing of the others. Redis
	// "answers again" once all of them have seen it.
	deadline := time.Now().Add(20 * time.Second)
	for _, in := range c.instances {
		base := "http://" + in.addr
		probe := newUser(-1, "", "", base)
		probe.client.Jar.SetCookies(mustParse(base), []*http.Cookie{session})
		for {
			r := probe.get("/mail/INBOX", inboxMarker)
			if !r.clear503() {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("pages not served by %s 20 s after Redis started: %v", in.name, r)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return time.Now()
}

func mustParse(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	return u
}
