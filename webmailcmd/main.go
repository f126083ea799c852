// Package webmailcmd is the webmail program, importable so that a custom
// build compiles in extra plugins without forking the repository: its
// main.go imports the plugins and calls Main (see PLUGINS.md and
// cmd/webmail). `webmail serve` runs an instance against real servers,
// `webmail demo` runs everything embedded, `webmail migrate` brings the
// database schema up to date, `webmail backup` and `webmail restore` save
// and bring back the embedded default's data.
package webmailcmd

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/webmail/webmail/config"
	_ "github.com/webmail/webmail/plugins/shipped" // the plugins in this repository
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run an instance against the configured servers (WEBMAIL_* variables)", runServe},
		{"demo", "run everything embedded: SQLite, local files, a built-in IMAP/SMTP server with sample mail", runDemo},
		{"migrate", "bring the database schema up to date", runMigrate},
		{"domain", "route login domains to their mail servers: add, move, list, remove", runDomain},
		{"admin-token", "provisioning API tokens: create, list, revoke", runAdminToken},
		{"backup", "back up the embedded SQLite database and the attachments it needs, while serving", runBackup},
		{"restore", "restore a `webmail backup` into an empty WEBMAIL_DATA", runRestore},
	}
}

// Main runs the webmail command named by os.Args and exits with its
// status. The plugins compiled in are those imported by the binary; the
// shipped ones (plugins/shipped) always are.
func Main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "webmail:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return fmt.Errorf("no command given")
		}
		return nil
	}
	for _, cmd := range commands() {
		if cmd.name == args[0] {
			return cmd.run(args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: webmail <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, cmd := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run `webmail <command> --help` for a command's flags.")
	fmt.Fprintln(w)
	writeVariables(w)
}

func writeVariables(w io.Writer) {
	fmt.Fprintln(w, "Configuration (environment, or a file named by WEBMAIL_CONFIG):")
	for _, v := range config.Variables() {
		fmt.Fprintf(w, "  %-26s %s\n", v.Name, v.Help)
	}
}

func loadConfig() (config.Config, error) {
	cfg, err := config.Load(os.Getenv, os.Environ())
	if err != nil {
		return cfg, fmt.Errorf("configuration:\n  %s", strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	return cfg, nil
}
