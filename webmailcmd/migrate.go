package webmailcmd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

func runMigrate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stdout, "Usage: webmail migrate")
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, "Applies every missing schema migration to the database named by")
		fmt.Fprintln(stdout, "WEBMAIL_DB_WRITE (MySQL/MariaDB), or to the SQLite file in WEBMAIL_DATA.")
		fmt.Fprintln(stdout, "Safe to run from several instances at once: they take a lock.")
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil
		}
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	db, err := openDB(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	current, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s); %s schema is at version %d\n", n, db.Describe(), current)
	return nil
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }
