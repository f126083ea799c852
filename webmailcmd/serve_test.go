package webmailcmd

import (
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/webmail/webmail/internal/testenv"
)

// TestDrainKeepsBackgroundAndSurvivesSIGHUP sends SIGTERM and then, during
// the drain, SIGHUP (a configuration push reaching every instance during a
// rolling restart): the process keeps draining and exits 0 when the drain
// ends. Meanwhile the replica checks go on: a replica that stops during
// the drain leaves the rotation, so the requests still being served do not
// read from it.
func TestDrainKeepsBackgroundAndSurvivesSIGHUP(t *testing.T) {
	bin := buildBinary(t)
	db := testenv.NewMariaDB(t)
	const drain = 8 * time.Second
	metricsAddr := freeAddr(t)
	env := []string{
		"WEBMAIL_METRICS_LISTEN=" + metricsAddr,
		"WEBMAIL_IMAP=imap://127.0.0.1:1",
		"WEBMAIL_SMTP=smtp://127.0.0.1:1",
		"WEBMAIL_SECRET=drain-test-secret-0123456789abcdef0123",
		"WEBMAIL_DATA=" + t.TempDir(),
		"WEBMAIL_DB_WRITE=" + db.PrimaryDSN,
		"WEBMAIL_DB_READ=" + db.ReplicaDSN,
		"WEBMAIL_DB_MAX_LAG=1m", // only a stopped replica leaves the rotation here
		"WEBMAIL_DB_STICKY=70s",
		"WEBMAIL_DRAIN=" + drain.String(),
	}
	migrateBinary(t, bin, env)
	base, cmd := startWebmailProcess(t, bin, env)
	p := &instanceProc{base: base, metrics: "http://" + metricsAddr}
	const inRotation = `webmail_db_replica_in_rotation{replica="replica1"}`
	waitCond(t, "replica in rotation", 30*time.Second, func() bool { return p.metric(inRotation) == "1" })

	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	termAt := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitCond(t, "/readyz 503 while draining", 5*time.Second, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable
	})
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		t.Fatalf("SIGHUP during the drain ended the process: %v", err)
	case <-time.After(500 * time.Millisecond):
	}

	db.StopReplica(t)
	defer db.StartReplica(t)
	waitCond(t, "the draining instance taking the stopped replica out", 5*time.Second, func() bool {
		return p.metric(inRotation) == "0"
	})
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}

	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("after SIGTERM and SIGHUP during the drain: %v, want exit 0", err)
		}
	case <-time.After(drain + 40*time.Second):
		t.Fatal("still running long after the drain")
	}
	if took := time.Since(termAt); took < drain {
		t.Fatalf("exited %s after SIGTERM, before the %s drain ended", took, drain)
	}
}

// TestListCacheShare: WEBMAIL_LIST_CACHE splits in half between the
// pool's two list caches; 0 turns both off.
func TestListCacheShare(t *testing.T) {
	if got := listCacheShare(96 << 20); got != 48<<20 {
		t.Errorf("96 MiB gives each cache %d, want 48 MiB", got)
	}
	if got := listCacheShare(0); got != -1 {
		t.Errorf("0 gives %d, want off (-1)", got)
	}
}
