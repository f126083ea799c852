package cluster_test

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stepInstanceKilled: one instance is SIGKILLed under load. HAProxy marks
// it down on the first failed connection (observe layer4) or its health
// check; requests in flight on it are retried on another instance. No
// session is lost (sessions live in Redis), and every request that starts
// after HAProxy marked the instance down succeeds.
func stepInstanceKilled(t *testing.T, c *cluster) {
	victim := c.instances[0]
	retries, redispatches := c.backendCounter(t, "wretr"), c.backendCounter(t, "wredis")
	l := startLoad(t, c.users)
	time.Sleep(2 * time.Second)
	killed := time.Now()
	victim.kill(t)
	c.lb.WaitServerStatus(t, backend, victim.name, "DOWN", haproxyTimeout)
	down := time.Now()
	time.Sleep(4 * time.Second)
	results := l.stop()

	all := count(results, nil)
	after := count(results, func(r result) bool { return r.start.After(down) })
	report(t, "SIGKILL of %s under load: %s; HAProxy had it down %dms after the kill; after that: %s; HAProxy retries %s -> %s, redispatches %s -> %s",
		victim.name, all, down.Sub(killed).Milliseconds(), after,
		retries, c.backendCounter(t, "wretr"), redispatches, c.backendCounter(t, "wredis"))
	if all.failed > 0 {
		t.Logf("failed before HAProxy marked %s down (allowed):%s", victim.name, failures(results, 5))
	}
	if all.signedOut > 0 {
		t.Errorf("%d requests found their session gone after an instance died:%s", all.signedOut, failures(results, 5))
	}
	if after.failed > 0 {
		t.Errorf("%d requests failed after HAProxy had marked %s down:%s", after.failed, victim.name,
			failures(filter(results, func(r result) bool { return r.start.After(down) }), 5))
	}
	c.restart(t, victim)
	c.checkSignedIn(t)
}

func filter(results []result, keep func(result) bool) []result {
	var out []result
	for _, r := range results {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// stepRollingRestart: every instance in turn gets SIGTERM, drains, exits
// 0, starts again and rejoins HAProxy, under load. While it drains its
// /readyz answers 503 and it still serves requests (each response closing
// its connection). No request fails.
func stepRollingRestart(t *testing.T, c *cluster) {
	l := startLoad(t, c.users)
	time.Sleep(time.Second)
	var stops []string
	for _, in := range c.instances {
		signalled := time.Now()
		in.signal(syscall.SIGTERM)
		checkDraining(t, in, c.users[0])
		state := in.wait(drain + 40*time.Second)
		code, err := exitCode(state)
		if err != nil || code != 0 {
			l.stop()
			t.Fatalf("%s after SIGTERM: exit code %d, %v\n%s", in.name, code, err, in.logTail(20))
		}
		stops = append(stops, in.name+" exited 0 after "+time.Since(signalled).Round(100*time.Millisecond).String())
		c.restart(t, in)
	}
	time.Sleep(time.Second)
	results := l.stop()
	all := count(results, nil)
	report(t, "rolling restart (SIGTERM, drain %s, exit, start, HAProxy up) of %d instances under load: %s; %s",
		drain, len(c.instances), all, strings.Join(stops, ", "))
	if all.failed > 0 {
		t.Errorf("%d requests failed during the rolling restart:%s", all.failed, failures(results, 10))
	}
}

// checkDraining asks a draining instance directly: /readyz must answer 503
// while a signed-in page is still served, with "Connection: close".
func checkDraining(t *testing.T, in *instance, u *user) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(drain)
	for {
		resp, err := client.Get("http://" + in.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: /readyz did not answer 503 during the drain (last: %v)", in.name, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+in.addr+"/mail/INBOX", nil)
	req.AddCookie(u.sessionCookie())
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s while draining: %v", in.name, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !resp.Close {
		t.Fatalf("%s while draining: GET /mail/INBOX = %d (connection close: %v), want 200 with the connection closed",
			in.name, resp.StatusCode, resp.Close)
	}
}
