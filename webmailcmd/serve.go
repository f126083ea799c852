package webmailcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/webmail/webmail/config"
	"github.com/webmail/webmail/session"
)

func runServe(args []string, stdout, stderr io.Writer) error {
	// Never ended by SIGHUP: ignored until newApp catches it for reloads
	// (catchHangups), caught from then until the process exits.
	signal.Ignore(syscall.SIGHUP)
	cfg, err := serveConfig(args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logger := newLogger(cfg, os.Stderr)
	ctx := context.Background()
	a, err := newApp(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.close()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	redisMode := "none"
	if cfg.HasRedis() {
		redisMode = session.DescribeRedis(redisConfig(cfg))
	}
	logger.Info("serving", "addr", ln.Addr().String(), "instance", a.owner, "imap", cfg.IMAP, "database", a.db.Describe(),
		"sessions", cfg.SessionStore, "redis", redisMode, "attachments", cfg.Attachments, "proxy_protocol", cfg.ProxyProtocol)
	return a.serve(ctx, ln)
}

// serveConfig parses serve's flags and returns the validated
// configuration; flag.ErrHelp after --help.
func serveConfig(args []string, stdout, stderr io.Writer) (config.Config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "", "listen address (overrides WEBMAIL_LISTEN)")
	fs.Usage = func() {
		fmt.Fprintln(stdout, "Usage: webmail serve [--listen addr]")
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, "Runs one instance. Every instance of a cluster gets the same configuration;")
		fmt.Fprintln(stdout, "any instance serves any request. The schema must be current (webmail migrate).")
		fmt.Fprintln(stdout)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fmt.Fprintln(stdout)
		writeVariables(stdout)
	}
	if err := fs.Parse(args); err != nil {
		return config.Config{}, err
	}
	cfg, err := loadConfig()
	if err != nil {
		return cfg, err
	}
	if *listen != "" {
		cfg.Listen = *listen
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("configuration:\n  %s", indent(err.Error()))
	}
	return cfg, nil
}
