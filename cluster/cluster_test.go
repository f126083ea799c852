package cluster_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const (
	// numUsers sign in and read mail while the steps break things.
	numUsers = 6
	// drain is WEBMAIL_DRAIN for the instances: longer than HAProxy
	// needs to mark one down (2 failed checks, 500 ms then 200 ms apart).
	drain = 2 * time.Second
	// backend is the HAProxy backend of deploy/haproxy.cfg.
	backend = "webmail"
	// haproxyTimeout bounds waiting for HAProxy to see a server change.
	haproxyTimeout = 15 * time.Second
)

// cluster is everything the steps act on.
type cluster struct {
	bin    string // this tree's webmail
	oldBin string // the previous release's (stepRollingUpgrade)
	// noPreviousRelease says why the previous release could not be built
	// (no history in this checkout); the cluster then begins on this tree.
	noPreviousRelease string
	env               []string // every instance's WEBMAIL_* variables
	db                *testenv.MariaDB
	redis             *testenv.Redis
	mail              *testenv.Mail
	instances         []*instance
	lb                *testenv.HAProxy
	users             []*user
}

// TestCluster runs HAProxy with deploy/haproxy.cfg in front of three
// instances and proves, step by step under a load of signed-in users, what
// the issue promises: the cluster, begun on the previous release, is
// upgraded to this one without a failed request; an instance can die or be restarted, the replica can
// stop, Redis can restart or fail over, the job lease moves on, and a
// message written across instances is sent once, without users losing
// more than the steps allow. Each step prints its numbers on a
// line starting with "cluster:".
func TestCluster(t *testing.T) {
	began := time.Now()
	c := startCluster(t)
	report(t, "setup: HAProxy in front of %d instances (%s), %d users signed in, in %.1fs",
		len(c.instances), addrs(c.instances), len(c.users), time.Since(began).Seconds())

	steps := []struct {
		name string
		run  func(*testing.T, *cluster)
	}{
		{"0_rolling_upgrade", stepRollingUpgrade},
		{"1_instance_killed", stepInstanceKilled},
		{"2_rolling_restart", stepRollingRestart},
		{"3_replica_restarted", stepReplicaRestarted},
		{"4_read_your_writes", stepReadYourWrites},
		{"5_redis_restarted", stepRedisRestarted},
		{"6_lease_holder_killed", stepLeaseHolderKilled},
		{"7_sentinel_failover", stepSentinelFailover},
		{"8_compose_across_instances", stepComposeAcrossInstances},
	}
	for _, step := range steps {
		if !t.Run(step.name, func(t *testing.T) { step.run(t, c) }) {
			break // later steps assume the cluster whole again
		}
	}
	report(t, "done in %.1fs", time.Since(began).Seconds())
}

// report logs a step's numbers and prints them on stdout, where the test
// report shows lines starting with "cluster:".
func report(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	t.Log(msg)
	name := t.Name()
	if i := strings.Index(name, "/"); i >= 0 {
		name = name[i+1:]
	} else {
		name = ""
	}
	if name != "" {
		msg = "step " + name + ": " + msg
	}
	fmt.Printf("cluster: %s\n", msg)
}

func addrs(instances []*instance) string {
	var out []string
	for _, in := range instances {
		out = append(out, in.name+"="+in.addr)
	}
	return strings.Join(out, ", ")
}

// startCluster starts the servers, migrates, starts three instances and
// HAProxy, and signs every user in through HAProxy.
func startCluster(t *testing.T) *cluster {
	c := &cluster{}
	// Both builds at once: the machine has cores to spare for one.
	binDir := t.TempDir()
	built := make(chan error, 1)
	go func() {
		var err error
		c.bin, err = buildWebmailIn(binDir)
		built <- err
	}()
	c.oldBin, c.noPreviousRelease = buildPreviousRelease(t)
	if err := <-built; err != nil {
		t.Fatal(err)
	}
	if c.noPreviousRelease != "" {
		c.oldBin = c.bin
	}
	c.db = testenv.NewMariaDB(t)
	c.redis = testenv.NewRedis(t)
	s3 := testenv.NewMinIO(t)
	bucket := s3.NewBucket(t)
	c.mail = testenv.NewMail(t)

	c.env = []string{
		"WEBMAIL_IMAP=imap://" + c.mail.IMAPAddr,
		"WEBMAIL_SMTP=smtp://" + c.mail.SubmissionAddr,
		"WEBMAIL_SECRET=cluster-test-secret-0123456789abcdef0123",
		"WEBMAIL_DATA=" + t.TempDir(), // unused with MySQL and S3; must not be shared in production
		"WEBMAIL_DB_WRITE=" + c.db.PrimaryDSN,
		"WEBMAIL_DB_READ=" + c.db.ReplicaDSN,
		"WEBMAIL_SESSION_STORE=redis",
		"WEBMAIL_REDIS=" + c.redis.Addr,
		"WEBMAIL_ATTACHMENTS=s3",
		"WEBMAIL_ATTACHMENTS_ENDPOINT=" + s3.Endpoint,
		"WEBMAIL_ATTACHMENTS_BUCKET=" + bucket,
		"WEBMAIL_ATTACHMENTS_ACCESS_KEY=" + s3.AccessKey,
		"WEBMAIL_ATTACHMENTS_SECRET_KEY=" + s3.SecretKey,
		"WEBMAIL_ATTACHMENTS_SECURE=false",
		"WEBMAIL_TRUSTED_PROXIES=127.0.0.1",
		"WEBMAIL_DRAIN=" + drain.String(),
		// Step 4 holds the replica a second behind; it must stay in
		// rotation for that.
		"WEBMAIL_DB_MAX_LAG=" + maxLag.String(),
		// At least the lag bound plus the checks' 2 s, as config requires.
		"WEBMAIL_DB_STICKY=" + (maxLag + 3*time.Second).String(),
		// Three instances, each with up to 2 connections per user, stay
		// well under Dovecot's per-user limit.
		"WEBMAIL_IMAP_MAX_PER_USER=2",
	}
	// The cluster begins on the previous release and its schema; step 0
	// upgrades it to this tree.
	runWebmail(t, c.oldBin, c.env, "migrate")

	for i := range 3 {
		name := fmt.Sprintf("webmail%d", i+1)
		addr := freeAddrOn(t, fmt.Sprintf("127.0.0.%d", i+2))
		c.instances = append(c.instances, newInstance(t, name, addr, c.oldBin, c.env))
	}
	for _, in := range c.instances {
		in.start(t)
	}
	for _, in := range c.instances {
		in.waitReady(t)
	}
	c.lb = testenv.NewHAProxy(t, func(a testenv.HAProxyAddrs) string { return haproxyConfig(t, a, c.instances) })
	c.waitAllUp(t)
	checkMetricsHidden(t, c.lb.URL)

	for i := range numUsers {
		email, password := c.mail.AddUser(t)
		var raws [][]byte
		for j := 1; j <= 3; j++ {
			raws = append(raws, []byte(fmt.Sprintf("From: Cluster Test <cluster@example.test>\r\nTo: %s\r\nSubject: Cluster message %d\r\nDate: Mon, 2 Nov 2026 10:0%d:00 +0000\r\nMessage-ID: <cluster-%d-%d@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBody %d.\r\n", email, j, j, i, j, j)))
		}
		c.mail.AppendMessages(t, email, password, "INBOX", raws)
		u := newUser(i, email, password, c.lb.URL)
		if r := u.login(); !r.ok() {
			t.Fatalf("signing in user %d through HAProxy: %v (%q)", i, r, r.body)
		}
		if err := u.findMessage(); err != nil {
			t.Fatal(err)
		}
		c.users = append(c.users, u)
	}
	return c
}

// haproxyConfig is deploy/haproxy.cfg with this test's addresses: the
// frontends on the ports testenv chose, the admin socket in its directory,
// and the three servers on the instances' addresses. The user and group
// lines go: a process that changes its user loses the parent-death signal
// that stops it with the test binary. Every replacement must match exactly
// once, so a change of the shipped file that the test would not exercise
// fails here.
func haproxyConfig(t *testing.T, a testenv.HAProxyAddrs, instances []*instance) string {
	b, err := os.ReadFile(filepath.Join("..", "deploy", "haproxy.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(b)
	replace := func(old, new string) {
		if n := strings.Count(cfg, old); n != 1 {
			t.Fatalf("deploy/haproxy.cfg: %q occurs %d times, want once", old, n)
		}
		cfg = strings.Replace(cfg, old, new, 1)
	}
	replace("\tbind :80\n", "\tbind "+a.Frontend+"\n")
	replace("\tbind 127.0.0.1:8404\n", "\tbind "+a.Stats+"\n")
	replace("/run/haproxy/admin.sock", a.Socket)
	errorPage, err := filepath.Abs(filepath.Join("..", "deploy", "haproxy-503.http"))
	if err != nil {
		t.Fatal(err)
	}
	replace("/etc/haproxy/errors/webmail-503.http", errorPage)
	// The shipped file sends a user's requests to one instance (a hash of
	// the session cookie), which would keep most of a user's requests off
	// the other instances. The cluster test is there to show that any
	// instance serves any request, a write on one read back on another:
	// round-robin sends consecutive requests to different instances.
	replace("\tbalance hash var(txn.webmail_user)\n\thash-type consistent\n", "\tbalance roundrobin\n")
	replace("\tuser haproxy\n", "")
	replace("\tgroup haproxy\n", "")
	for _, in := range instances {
		replace(" "+in.name+":8080", " "+in.addr)
	}
	return cfg
}

// waitAllUp waits until HAProxy has every instance in rotation.
func (c *cluster) waitAllUp(t *testing.T) {
	t.Helper()
	for _, in := range c.instances {
		c.lb.WaitServerStatus(t, backend, in.name, "UP", haproxyTimeout)
	}
}

// restart starts a stopped instance and waits until HAProxy has it back.
func (c *cluster) restart(t *testing.T, in *instance) {
	t.Helper()
	in.start(t)
	in.waitReady(t)
	c.lb.WaitServerStatus(t, backend, in.name, "UP", haproxyTimeout)
}

// backendCounter reads a counter of the backend's row in HAProxy's stats
// ("wretr": retries, "wredis": redispatches).
func (c *cluster) backendCounter(t *testing.T, name string) string {
	for _, row := range c.lb.Stats(t) {
		if row["pxname"] == backend && row["svname"] == "BACKEND" {
			return row[name]
		}
	}
	return "?"
}

// checkSignedIn fails unless every user still reads INBOX without signing
// in again.
func (c *cluster) checkSignedIn(t *testing.T) {
	t.Helper()
	for _, u := range c.users {
		if r := u.get("/mail/INBOX", inboxMarker); !r.ok() {
			t.Fatalf("user %d after the step: %v", u.index, r)
		}
	}
}

// checkMetricsHidden: the public frontend refuses /metrics however it is
// spelled; Prometheus scrapes the instances directly.
func checkMetricsHidden(t *testing.T, base string) {
	t.Helper()
	for _, path := range []string{"/metrics", "//metrics", "/%6detrics", "/METRICS", "/metrics/"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s through HAProxy = %d, want 403", path, resp.StatusCode)
		}
	}
}
