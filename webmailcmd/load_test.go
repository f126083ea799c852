package webmailcmd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/internal/load"
	"github.com/webmail/webmail/internal/testenv"
)

// The load driver's settings. The defaults are a smoke run that is part of
// `make test`; `make load` passes the full ones (BENCHMARKS.md).
var (
	loadUsers    = flag.Int("load.users", 2, "load driver: users, each with a generated INBOX")
	loadMessages = flag.Int("load.messages", 200, "load driver: messages in each INBOX")
	loadLevels   = flag.String("load.c", "2", "load driver: concurrencies, comma-separated")
	loadDuration = flag.Duration("load.d", 2*time.Second, "load driver: how long each operation runs at each concurrency")
	loadOut      = flag.String("load.out", "", "load driver: also write the Markdown tables to this file")
	loadOps      = flag.String("load.ops", "", "load driver: operations to run, comma-separated (default all)")
	loadBaseline = flag.String("load.baseline", "", "load driver: first measure this webmail binary (an older commit, built with go build ./cmd/webmail) against the same Dovecot and users, then the working tree")
	loadProfile  = flag.String("load.profile", "", "load driver: write a CPU profile of the working tree's webmail over its run (from /debug/pprof on its metrics listener) to this file")
)

// TestLoadDriver starts Dovecot with generated INBOXes and `webmail serve`
// on its embedded defaults, then runs the load driver through the real
// login form: every operation at every concurrency, with the raw IMAP
// floor. It asserts only that every operation ran and succeeded and that
// the table has a row for each; the figures are for BENCHMARKS.md.
func TestLoadDriver(t *testing.T) {
	mailSrv := testenv.NewMail(t)
	var users []load.User
	for i := 0; i < *loadUsers; i++ {
		email, password := mailSrv.AddUser(t)
		fillInbox(t, mailSrv, email, password, *loadMessages)
		users = append(users, load.User{Email: email, Password: password})
	}
	var levels []int
	for _, l := range strings.Split(*loadLevels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(l))
		if err != nil {
			t.Fatalf("-load.c: %v", err)
		}
		levels = append(levels, n)
	}
	var ops []string
	if *loadOps != "" {
		ops = strings.Split(*loadOps, ",")
	}
	var out strings.Builder
	fmt.Fprintf(&out, "%d users, %d messages in each INBOX, %s per cell after a warm-up of a tenth of it.\n\n", *loadUsers, *loadMessages, *loadDuration)
	if *loadBaseline != "" {
		table := runLoad(t, mailSrv, *loadBaseline, users, levels, ops, "")
		fmt.Fprintf(&out, "### Baseline (%s)\n\n%s\n\n", *loadBaseline, table)
	}
	table := runLoad(t, mailSrv, buildBinary(t), users, levels, ops, *loadProfile)
	fmt.Fprintf(&out, "### This tree\n\n%s\n", table)
	t.Log("\n" + out.String())
	if *loadOut != "" {
		if err := os.WriteFile(*loadOut, []byte(out.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// runLoad starts bin as `webmail serve` on its embedded defaults, drives
// it and returns the table; it fails the test when an operation failed or
// a row is missing.
func runLoad(t *testing.T, mailSrv *testenv.Mail, bin string, users []load.User, levels []int, ops []string, profile string) string {
	t.Helper()
	metricsAddr := freeAddr(t)
	cfg := []string{
		"WEBMAIL_IMAP=imap://" + mailSrv.IMAPAddr,
		"WEBMAIL_SMTP=smtp://" + mailSrv.SubmissionAddr,
		"WEBMAIL_SECRET=load-secret-0123456789abcdef0123456789",
		"WEBMAIL_DATA=" + t.TempDir(),
		"WEBMAIL_LOG_LEVEL=warn",
		"WEBMAIL_METRICS_LISTEN=" + metricsAddr,
		// The driver signs the same few users in from one address, up to
		// 32 at a time, for minutes: far past the limits meant for
		// guessing. Attempts in flight count against them until they
		// succeed, so they are lifted for the run.
		"WEBMAIL_LOGIN_LIMIT_USER=1000000",
		"WEBMAIL_LOGIN_LIMIT_IP=1000000",
		"WEBMAIL_LOGIN_LIMIT_SLOW=1000000",
	}
	migrateBinary(t, bin, cfg)
	base, webmail := startWebmailProcess(t, bin, cfg)
	defer webmail.Process.Signal(os.Interrupt)

	profiled := make(chan error, 1)
	if profile != "" {
		// The whole run: each cell is a warm-up and a measured window.
		cells := len(ops) * len(levels)
		if len(ops) == 0 {
			cells = len(load.Ops()) * len(levels)
		}
		seconds := int((*loadDuration * 11 / 10).Seconds()) * cells
		go func() { profiled <- fetchProfile("http://"+metricsAddr, seconds, profile) }()
	} else {
		profiled <- nil
	}
	report, err := load.Run(context.Background(), load.Config{
		BaseURL: base, IMAPAddr: mailSrv.IMAPAddr, Users: users,
		Concurrency: levels, Duration: *loadDuration, Ops: ops,
		WebmailPID: webmail.Process.Pid, IMAPPID: mailSrv.DovecotPID(t),
	})
	if perr := <-profiled; perr != nil {
		t.Errorf("profile: %v", perr)
	}
	table := report.Markdown()
	if err != nil {
		t.Fatalf("%v\n%s", err, table)
	}
	for _, op := range load.Ops() {
		if len(ops) > 0 && !slices.Contains(ops, op.Name) {
			continue
		}
		if op.Name == "view-html" && len(ops) == 0 && *loadMessages < 10 {
			continue // fillInbox makes every tenth message HTML: none here, and the driver leaves it out
		}
		for _, c := range levels {
			row := fmt.Sprintf("| %s | %d |", op.Name, c)
			if !strings.Contains(table, row) {
				t.Errorf("the table has no row %q", row)
			}
		}
	}
	for _, res := range report.Results {
		if res.Ops == 0 || res.Errors > 0 {
			t.Errorf("%s at c=%d: %d done, %d failed (first: %s)", res.Op, res.Concurrency, res.Ops, res.Errors, res.FirstError)
		}
	}
	return table
}

// fetchProfile saves a CPU profile of seconds from the webmail's
// /debug/pprof (on its metrics listener only).
func fetchProfile(metricsBase string, seconds int, path string) error {
	client := &http.Client{Timeout: time.Duration(seconds+30) * time.Second}
	resp, err := client.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", metricsBase, seconds))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// fillInbox appends n generated messages to email's INBOX: text
// (benchMessage), every tenth an HTML newsletter (benchHTMLMessage).
func fillInbox(t testing.TB, mailSrv *testenv.Mail, email, password string, n int) {
	t.Helper()
	raws := make([][]byte, 0, 500)
	for i := 1; i <= n; i++ {
		if i%10 == 0 {
			raws = append(raws, benchHTMLMessage(i, email))
		} else {
			raws = append(raws, benchMessage(i, email))
		}
		if len(raws) == cap(raws) || i == n {
			mailSrv.AppendMessages(t, email, password, "INBOX", raws)
			raws = raws[:0]
		}
	}
}
