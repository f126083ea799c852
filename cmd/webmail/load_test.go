package main

import (
	"context"
	"flag"
	"fmt"
	"os"
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
	loadOut      = flag.String("load.out", "", "load driver: also write the Markdown table to this file")
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
	bin := buildBinary(t)
	cfg := []string{
		"WEBMAIL_IMAP=imap://" + mailSrv.IMAPAddr,
		"WEBMAIL_SMTP=smtp://" + mailSrv.SubmissionAddr,
		"WEBMAIL_SECRET=load-secret-0123456789abcdef0123456789",
		"WEBMAIL_DATA=" + t.TempDir(),
		"WEBMAIL_LOG_LEVEL=warn",
	}
	migrateBinary(t, bin, cfg)
	base, webmail := startWebmailProcess(t, bin, cfg)

	var levels []int
	for _, l := range strings.Split(*loadLevels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(l))
		if err != nil {
			t.Fatalf("-load.c: %v", err)
		}
		levels = append(levels, n)
	}
	report, err := load.Run(context.Background(), load.Config{
		BaseURL: base, IMAPAddr: mailSrv.IMAPAddr, Users: users,
		Concurrency: levels, Duration: *loadDuration,
		WebmailPID: webmail.Process.Pid, IMAPPID: mailSrv.DovecotPID(t),
	})
	table := report.Markdown()
	t.Logf("%d users, %d messages each:\n%s", *loadUsers, *loadMessages, table)
	if *loadOut != "" {
		header := fmt.Sprintf("%d users, %d messages in each INBOX, %s per cell.\n\n", *loadUsers, *loadMessages, *loadDuration)
		if err := os.WriteFile(*loadOut, []byte(header+table+"\n"), 0o644); err != nil {
			t.Error(err)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range load.Ops() {
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
}

// fillInbox appends n generated messages (benchMessage) to email's INBOX.
func fillInbox(t testing.TB, mailSrv *testenv.Mail, email, password string, n int) {
	t.Helper()
	raws := make([][]byte, 0, 500)
	for i := 1; i <= n; i++ {
		raws = append(raws, benchMessage(i, email))
		if len(raws) == cap(raws) || i == n {
			mailSrv.AppendMessages(t, email, password, "INBOX", raws)
			raws = raws[:0]
		}
	}
}
