package webmailcmd

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/webmail/webmail/config"
	"github.com/webmail/webmail/internal/demo"
)

// Demo credentials, printed at start.
const (
	demoUser     = "demo@example.test"
	demoPassword = "demo"
)

// demoFlags are demo's command-line flags.
type demoFlags struct {
	listen, data       string
	imapPort, smtpPort int
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	// A SIGHUP while the demo starts must not kill it (serve reloads on it).
	signal.Ignore(syscall.SIGHUP)
	flags, err := parseDemoFlags(args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(flags.data, 0o700); err != nil {
		return err
	}
	ctx := context.Background()
	mailServer, err := demo.Start(ctx, demo.Options{
		Host:     "127.0.0.1",
		IMAPPort: flags.imapPort,
		SMTPPort: flags.smtpPort,
		Users:    map[string]string{demoUser: demoPassword},
		Seed:     true,
	})
	if err != nil {
		return err
	}
	defer mailServer.Close()
	cfg, err := demoConfig(ctx, flags, mailServer)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, newLogger(cfg, os.Stderr))
	if err != nil {
		return err
	}
	defer a.close()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	printDemoBanner(stdout, ln.Addr().String(), mailServer, flags.data)
	return a.serve(ctx, ln)
}

// parseDemoFlags parses demo's flags; flag.ErrHelp after --help.
func parseDemoFlags(args []string, stdout, stderr io.Writer) (demoFlags, error) {
	var flags demoFlags
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&flags.listen, "listen", "127.0.0.1:8080", "HTTP listen address of the webmail")
	fs.StringVar(&flags.data, "data", "webmail-demo", "directory for the SQLite database, attachments and the generated secret")
	fs.IntVar(&flags.imapPort, "imap-port", 0, "port of the built-in IMAP server on 127.0.0.1 (0 = any free port)")
	fs.IntVar(&flags.smtpPort, "smtp-port", 0, "port of the built-in SMTP server on 127.0.0.1 (0 = any free port)")
	fs.Usage = func() {
		fmt.Fprintln(stdout, "Usage: webmail demo [--listen addr] [--data dir] [--imap-port N] [--smtp-port N]")
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, "Runs the webmail with everything embedded: SQLite and local files in --data,")
		fmt.Fprintln(stdout, "sessions in SQLite, and a built-in IMAP and SMTP server on loopback holding a")
		fmt.Fprintln(stdout, "mailbox with a few hundred sample messages (fresh at every start).")
		fmt.Fprintf(stdout, "Log in as %s with password %q.\n\n", demoUser, demoPassword)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
	}
	return flags, fs.Parse(args)
}

// demoConfig is the configuration of the demo, over a migrated SQLite
// database in the data directory.
func demoConfig(ctx context.Context, flags demoFlags, mailServer *demo.Server) (config.Config, error) {
	secret, err := demoSecret(flags.data)
	if err != nil {
		return config.Config{}, err
	}
	cfg := config.Default()
	cfg.Listen = flags.listen
	cfg.DataDir = flags.data
	cfg.IMAP = "imap://" + mailServer.IMAPAddr
	cfg.SMTP = "smtp://" + mailServer.SMTPAddr
	cfg.Secret = secret
	cfg.SessionStore = "sql"
	cfg.Attachments = "fs"
	// No metrics listener: a second demo, or anything on the default
	// metrics port, must not keep the demo from starting.
	cfg.MetricsListen = "off"
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	db, err := openDB(cfg)
	if err != nil {
		return cfg, err
	}
	_, err = db.Migrate(ctx)
	db.Close()
	return cfg, err
}

// printDemoBanner tells the user where to point a browser and a mail
// client.
func printDemoBanner(stdout io.Writer, addr string, mailServer *demo.Server, data string) {
	url := "http://" + addr + "/"
	fmt.Fprintf(stdout, "\nWebmail demo is running.\n\n")
	fmt.Fprintf(stdout, "  Open      %s\n", url)
	fmt.Fprintf(stdout, "  Log in as %s / %s\n\n", demoUser, demoPassword)
	fmt.Fprintf(stdout, "  IMAP      %s (plain, no TLS) — point Thunderbird or any client here\n", mailServer.IMAPAddr)
	fmt.Fprintf(stdout, "  SMTP      %s (plain, AUTH PLAIN) — mail to %s lands in its inbox\n", mailServer.SMTPAddr, demoUser)
	fmt.Fprintf(stdout, "  Data      %s\n\n", data)
	fmt.Fprintf(stdout, "Press Ctrl+C to stop.\n\n")
}

// demoSecret returns the demo's cluster key, generated once and kept in the
// data directory so sessions survive a restart of the demo.
func demoSecret(dir string) (string, error) {
	path := filepath.Join(dir, "secret")
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) >= config.MinSecretLength {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	var key [36]byte
	if _, err := rand.Read(key[:]); err != nil {
		return "", err
	}
	secret := base64.RawURLEncoding.EncodeToString(key[:])
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", err
	}
	return secret, nil
}
