package webmailcmd

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/internal/load"
	"github.com/webmail/webmail/internal/testenv"
)

// The idle-session measurement's settings: a smoke run by default, 1,000
// sessions for BENCHMARKS.md.
var (
	idleSessions = flag.Int("idle.sessions", 30, "idle sessions: how many users log in (one session each)")
	idleOut      = flag.String("idle.out", "", "idle sessions: also write the Markdown table to this file")
)

// idleIMAPTimeout is the pool's idle timeout in this test: short, so the
// test sees the connections go.
const idleIMAPTimeout = 2 * time.Second

// TestIdleSessionsMemory logs users in through the form of a `webmail
// serve` with sessions in Redis, then leaves them idle. It checks that a
// session costs under 1 KiB of Redis memory and that once the pool's idle
// timeout has passed no IMAP connection is left open for them, and
// reports the memory of the webmail, Dovecot and Redis along the way.
func TestIdleSessionsMemory(t *testing.T) {
	mailSrv := testenv.NewMail(t)
	rds := testenv.NewRedis(t)
	bin := buildBinary(t)
	cfg := []string{
		"WEBMAIL_IMAP=imap://" + mailSrv.IMAPAddr,
		"WEBMAIL_SMTP=smtp://" + mailSrv.SubmissionAddr,
		"WEBMAIL_SECRET=idle-secret-0123456789abcdef0123456789",
		"WEBMAIL_DATA=" + t.TempDir(),
		"WEBMAIL_LOG_LEVEL=warn",
		// A database of its own on the shared test Redis, emptied first,
		// so only these sessions are counted.
		"WEBMAIL_REDIS=redis://" + rds.Addr + "/7",
		"WEBMAIL_SESSION_STORE=redis",
		"WEBMAIL_IMAP_IDLE_TIMEOUT=" + idleIMAPTimeout.String(),
	}
	client := redis.NewClient(&redis.Options{Addr: rds.Addr, DB: 7})
	defer client.Close()
	ctx := context.Background()
	if err := client.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	migrateBinary(t, bin, cfg)
	base, webmail := startWebmailProcess(t, bin, cfg)
	dovecot := mailSrv.DovecotPID(t)

	type snapshot struct {
		label                  string
		webmailRSS, dovecotRSS int64
		imapProcs              int
		redisUsed              int64
	}
	redisUsed := func() int64 {
		info, err := client.InfoMap(ctx, "memory").Result()
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		fmt.Sscan(info["Memory"]["used_memory"], &n)
		return n
	}
	snap := func(label string) snapshot {
		_, procs := testenv.TreeCPU(dovecot, "imap")
		return snapshot{label, load.ReadTree(webmail.Process.Pid).RSS, load.ReadTree(dovecot).RSS, procs, redisUsed()}
	}
	var snaps []snapshot
	snaps = append(snaps, snap("before any login"))

	users := make([]load.User, *idleSessions)
	for i := range users {
		users[i].Email, users[i].Password = mailSrv.AddUser(t)
	}
	// Log in 8 at a time, as a morning's arrivals would.
	var wg sync.WaitGroup
	errs := make(chan error, len(users))
	next := make(chan load.User)
	var first *load.Visitor
	var firstOnce sync.Once
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range next {
				v, err := load.SignIn(ctx, base, u)
				if err == nil {
					firstOnce.Do(func() { first = v })
				}
				errs <- err
			}
		}()
	}
	for _, u := range users {
		next <- u
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	snaps = append(snaps, snap(fmt.Sprintf("%d sessions, just logged in", len(users))))

	// Every session's size in Redis, as Redis counts it.
	var keys []string
	iter := client.Scan(ctx, 0, "webmail:session:*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if len(keys) != len(users) {
		t.Fatalf("%d session keys in Redis for %d logins", len(keys), len(users))
	}
	var total, largest int64
	for _, k := range keys {
		n, err := client.MemoryUsage(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		total += n
		largest = max(largest, n)
	}
	if largest >= 1024 {
		t.Errorf("a session takes %d bytes in Redis, want under 1 KiB", largest)
	}

	// Idle: the pool closes every connection after its idle timeout.
	deadline := time.Now().Add(idleIMAPTimeout*3 + 10*time.Second)
	for {
		if _, procs := testenv.TreeCPU(dovecot, "imap"); procs <= snaps[0].imapProcs {
			break
		}
		if time.Now().After(deadline) {
			_, procs := testenv.TreeCPU(dovecot, "imap")
			t.Fatalf("%d IMAP processes left %v after the pool's idle timeout, %d before the logins", procs, idleIMAPTimeout*3+10*time.Second, snaps[0].imapProcs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	snaps = append(snaps, snap(fmt.Sprintf("%d sessions, idle past the pool's idle timeout", len(users))))

	// Sessions are still good: one of them opens its inbox again.
	if err := first.Open(ctx, "/mail/INBOX"); err != nil {
		t.Fatal(err)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Session in Redis (MEMORY USAGE): %d bytes on average, %d at most, over %d sessions.\n\n", total/int64(len(keys)), largest, len(keys))
	b.WriteString("| moment | webmail RSS MiB | Dovecot RSS MiB (all processes) | Dovecot imap processes | Redis used MiB |\n|---|---:|---:|---:|---:|\n")
	for _, s := range snaps {
		fmt.Fprintf(&b, "| %s | %.1f | %.1f | %d | %.1f |\n", s.label, mib(s.webmailRSS), mib(s.dovecotRSS), s.imapProcs, mib(s.redisUsed))
	}
	t.Log("\n" + b.String())
	if *idleOut != "" {
		if err := os.WriteFile(*idleOut, []byte(b.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }
