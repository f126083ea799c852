// Command webmail-load drives a running webmail with the project's load
// driver (package internal/load) and prints a Markdown table: operations
// per second, latency percentiles, errors and the CPU per operation of the
// webmail and the IMAP server, with the raw IMAP floor measured in the
// same run.
//
//	webmail-load -url http://127.0.0.1:8080 -imap 127.0.0.1:143 \
//	    -users alice@example.test:secret,bob@example.test:secret \
//	    -c 1,8,32 -d 15s -webmail-pid $(pidof webmail) -imap-pid $(cat /run/dovecot/master.pid)
//
// The documented way to measure the project is `make load`, which starts
// Dovecot with generated mailboxes and `webmail serve` itself (see
// BENCHMARKS.md).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/webmail/webmail/internal/load"
)

func main() {
	var cfg load.Config
	var users, levels, ops string
	flag.StringVar(&cfg.BaseURL, "url", "http://127.0.0.1:8080", "the webmail's base URL")
	flag.StringVar(&cfg.IMAPAddr, "imap", "127.0.0.1:143", "the IMAP server behind it (host:port, plain text), for the floor")
	flag.StringVar(&users, "users", "", "accounts as email:password, comma-separated")
	flag.StringVar(&levels, "c", "1,8,32", "concurrencies, comma-separated")
	flag.DurationVar(&cfg.Duration, "d", 15*time.Second, "how long each operation runs at each concurrency")
	flag.StringVar(&ops, "ops", "", "operations to run, comma-separated (default all: login,list,view,view-html,pane,search,send,imap-fetch-50,imap-fetch-message,imap-login-fetch; view-html is left out when a user has no multipart/alternative message)")
	flag.IntVar(&cfg.WebmailPID, "webmail-pid", 0, "the webmail's process ID, for its CPU")
	flag.IntVar(&cfg.IMAPPID, "imap-pid", 0, "the IMAP server's master process ID, for its CPU (children included)")
	flag.Parse()
	if err := parseFlags(&cfg, users, levels, ops); err != nil {
		fmt.Fprintln(os.Stderr, "webmail-load:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	report, err := load.Run(ctx, cfg)
	fmt.Println(report.Markdown())
	if err != nil {
		fmt.Fprintln(os.Stderr, "webmail-load:", err)
		os.Exit(1)
	}
}

func parseFlags(cfg *load.Config, users, levels, ops string) error {
	for _, u := range strings.Split(users, ",") {
		email, password, ok := strings.Cut(strings.TrimSpace(u), ":")
		if !ok || email == "" {
			return fmt.Errorf("-users: %q is not email:password", u)
		}
		cfg.Users = append(cfg.Users, load.User{Email: email, Password: password})
	}
	for _, l := range strings.Split(levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(l))
		if err != nil || n < 1 {
			return fmt.Errorf("-c: %q is not a concurrency", l)
		}
		cfg.Concurrency = append(cfg.Concurrency, n)
	}
	if ops != "" {
		cfg.Ops = strings.Split(ops, ",")
	}
	return nil
}
