package webmailcmd

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/internal/testenv"
)

// instanceProc is one `webmail serve` process of a test cluster.
type instanceProc struct {
	name, base, log string
	metrics         string // base URL of its metrics listener
	cmd             *exec.Cmd
}

func startInstance(t *testing.T, bin, name string, env []string) *instanceProc {
	t.Helper()
	addr, metricsAddr := freeAddr(t), freeAddr(t)
	p := &instanceProc{name: name, base: "http://" + addr, metrics: "http://" + metricsAddr, log: filepath.Join(t.TempDir(), name+".log")}
	logFile, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = append(os.Environ(), append(env, "WEBMAIL_LISTEN="+addr, "WEBMAIL_INSTANCE="+name, "WEBMAIL_METRICS_LISTEN="+metricsAddr)...)
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		p.cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			p.cmd.Process.Kill()
		}
		if t.Failed() {
			b, _ := os.ReadFile(p.log)
			t.Logf("%s log:\n%s", name, b)
		}
	})
	waitCond(t, name+" ready", 30*time.Second, func() bool {
		resp, err := http.Get(p.base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return p
}

// metric returns the value of the first /metrics line starting with
// series, or "" if there is none (or the instance does not answer).
func (p *instanceProc) metric(series string) string {
	resp, err := http.Get(p.metrics + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, series+" ") {
			return strings.TrimPrefix(line, series+" ")
		}
	}
	return ""
}

func (p *instanceProc) logText() string {
	b, _ := os.ReadFile(p.log)
	return string(b)
}

func waitCond(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestInstancesShareClusterJobs runs two instances against MariaDB
// (primary + replica) and Redis: exactly one holds the job lease and
// writes the heartbeat that keeps the replica in rotation on both; when it
// is SIGKILLed, the other takes over; SIGHUP reloads what it can.
func TestInstancesShareClusterJobs(t *testing.T) {
	bin := buildBinary(t)
	db := testenv.NewMariaDB(t)
	rds := testenv.NewRedis(t)
	configFile := filepath.Join(t.TempDir(), "webmail.env")
	if err := os.WriteFile(configFile, []byte("WEBMAIL_LOG_LEVEL=info\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"WEBMAIL_CONFIG=" + configFile,
		"WEBMAIL_IMAP=imap://127.0.0.1:1",
		"WEBMAIL_SMTP=smtp://127.0.0.1:1",
		"WEBMAIL_SECRET=jobs-test-secret-0123456789abcdef0123",
		"WEBMAIL_DATA=" + t.TempDir(),
		"WEBMAIL_DB_WRITE=" + db.PrimaryDSN,
		"WEBMAIL_DB_READ=" + db.ReplicaDSN,
		"WEBMAIL_SESSION_STORE=redis",
		"WEBMAIL_REDIS=" + rds.Addr,
		"WEBMAIL_LOG_FORMAT=json",
	}
	migrateBinary(t, bin, env)
	a := startInstance(t, bin, "web-a", env)
	b := startInstance(t, bin, "web-b", env)

	const held = `webmail_job_lease_held{lease="redis"}`
	var holder, other *instanceProc
	waitCond(t, "exactly one instance holding the job lease", 30*time.Second, func() bool {
		ha, hb := a.metric(held), b.metric(held)
		switch {
		case ha == "1" && hb == "0":
			holder, other = a, b
		case hb == "1" && ha == "0":
			holder, other = b, a
		default:
			return false
		}
		return true
	})
	rc := redis.NewClient(&redis.Options{Addr: rds.Addr})
	defer rc.Close()
	owner, err := rc.Get(context.Background(), "webmail:lease:jobs").Result()
	if err != nil || !strings.HasPrefix(owner, holder.name+"/") {
		t.Fatalf("lease key names %q (%v), want %s", owner, err, holder.name)
	}
	if !strings.Contains(holder.logText(), "job lease acquired") {
		t.Fatal("the holder did not log taking the lease")
	}
	// The holder's heartbeat keeps the replica in rotation on both.
	for _, p := range []*instanceProc{a, b} {
		waitCond(t, p.name+": replica in rotation", 30*time.Second, func() bool {
			return p.metric(`webmail_db_replica_in_rotation{replica="replica1"}`) == "1"
		})
	}
	if runs := other.metric(`webmail_job_runs_total{job="replication-heartbeat"}`); runs != "0" {
		t.Fatalf("the instance without the lease ran the heartbeat %s times", runs)
	}

	// The holder dies without a word: the other takes the lease when it
	// expires and runs the jobs.
	if err := holder.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitCond(t, other.name+" taking over the jobs", 30*time.Second, func() bool {
		runs := other.metric(`webmail_job_runs_total{job="replication-heartbeat"}`)
		return other.metric(held) == "1" && runs != "" && runs != "0"
	})
	waitCond(t, other.name+": replica back in rotation after the takeover", 30*time.Second, func() bool {
		return other.metric(`webmail_db_replica_in_rotation{replica="replica1"}`) == "1"
	})

	// SIGHUP: the log level applies at once, a new lag bound needs a
	// restart, and both are said in the log.
	if err := os.WriteFile(configFile, []byte("WEBMAIL_LOG_LEVEL=debug\nWEBMAIL_DB_MAX_LAG=9s\nWEBMAIL_DB_STICKY=11s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := other.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	reloaded := regexp.MustCompile(`"msg":"configuration reloaded[^"]*","applied":\["WEBMAIL_LOG_LEVEL"\],"needs_restart":\["WEBMAIL_DB_MAX_LAG","WEBMAIL_DB_STICKY"\]`)
	waitCond(t, "the reload logged", 10*time.Second, func() bool { return reloaded.MatchString(other.logText()) })
	// A domain added by the admin command reaches the running instance.
	add := exec.Command(bin, "domain", "add", "example.org", "--imap", "imaps://mx.example.org:993")
	add.Env = append(os.Environ(), env...)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("webmail domain add: %v\n%s", err, out)
	}
	waitCond(t, "the new domain route loaded", 20*time.Second, func() bool {
		return strings.Contains(other.logText(), `"msg":"domain routes reloaded","domains":1`)
	})
	// Every request's access line carries its request ID in JSON. (The
	// scrapes above went to the metrics listener, which keeps no access
	// log: one page of the application.)
	if resp, err := http.Get(other.base + "/login"); err == nil {
		resp.Body.Close()
	}
	accessLine := regexp.MustCompile(`"msg":"request","request_id":"[0-9a-f]{24}"`)
	waitCond(t, "an access log line with its request_id", 5*time.Second, func() bool { return accessLine.MatchString(other.logText()) })
}
