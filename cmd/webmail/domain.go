package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	webapp "github.com/webmail/webmail/app"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/store"
)

// domainArgs is one `webmail domain` invocation.
type domainArgs struct {
	verb, name string
	imap, smtp string
}

// runDomain manages the per-domain mail server table:
//
//	webmail domain add example.com --imap imaps://mx1:993 [--smtp smtp+starttls://mx1:587]
//	webmail domain list
//	webmail domain remove example.com
//
// Running instances notice a change within domainPoll (or at once on
// SIGHUP); sessions keep the servers they logged in to.
func runDomain(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		domainUsage(stdout)
		if len(args) == 0 {
			return errors.New("domain: no verb given")
		}
		return nil
	}
	cmd, err := parseDomainArgs(args, stderr)
	if err != nil {
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
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	// An admin reads back what was just written: from the primary.
	ctx = store.WithPrimaryReads(ctx)
	switch cmd.verb {
	case "add":
		return addDomain(ctx, db, cmd, stdout, stderr)
	case "list":
		return listDomains(ctx, db, stdout)
	case "remove":
		return removeDomain(ctx, db, cmd.name, stdout)
	}
	domainUsage(stderr)
	return fmt.Errorf("domain: unknown verb %q", cmd.verb)
}

func domainUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  webmail domain add DOMAIN --imap URL [--smtp URL]   route DOMAIN's logins to these servers")
	fmt.Fprintln(w, "  webmail domain list                                  show the routes")
	fmt.Fprintln(w, "  webmail domain remove DOMAIN                         back to the WEBMAIL_IMAP/WEBMAIL_SMTP templates")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "URLs as in WEBMAIL_IMAP (imaps://host:993) and WEBMAIL_SMTP (smtp+starttls://host:587);")
	fmt.Fprintln(w, "without --smtp the WEBMAIL_SMTP template applies. Instances pick changes up within seconds.")
}

// parseDomainArgs reads the verb, the domain and the flags; the domain may
// come before or after the flags.
func parseDomainArgs(args []string, stderr io.Writer) (domainArgs, error) {
	verb, rest := args[0], args[1:]
	fs := flag.NewFlagSet("domain "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { domainUsage(stderr) }
	imap := fs.String("imap", "", "IMAP server URL")
	smtp := fs.String("smtp", "", "SMTP server URL (default: the WEBMAIL_SMTP template)")
	var name string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return domainArgs{}, err
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return domainArgs{}, fmt.Errorf("domain %s: unexpected %q", verb, fs.Arg(0))
	}
	name = strings.ToLower(strings.TrimSpace(name))
	return domainArgs{verb: verb, name: name, imap: *imap, smtp: *smtp}, nil
}

func addDomain(ctx context.Context, db *store.DB, cmd domainArgs, stdout, stderr io.Writer) error {
	if cmd.name == "" || cmd.imap == "" {
		domainUsage(stderr)
		return errors.New("domain add: need a domain and --imap")
	}
	if !validDomain(cmd.name) {
		return fmt.Errorf("domain add: %q is not a domain name", cmd.name)
	}
	if _, err := mail.ParseIMAPURL(cmd.imap); err != nil {
		return fmt.Errorf("domain add: --imap: %w", err)
	}
	if cmd.smtp != "" {
		if _, err := mail.ParseSMTPURL(cmd.smtp); err != nil {
			return fmt.Errorf("domain add: --smtp: %w", err)
		}
	}
	if err := db.SaveDomain(ctx, store.Domain{Name: cmd.name, IMAP: cmd.imap, SMTP: cmd.smtp}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: imap %s, smtp %s\n", cmd.name, cmd.imap, orTemplate(cmd.smtp))
	return nil
}

func listDomains(ctx context.Context, db *store.DB, stdout io.Writer) error {
	domains, err := db.Domains(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DOMAIN\tIMAP\tSMTP\tUPDATED")
	for _, d := range domains {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Name, d.IMAP, orTemplate(d.SMTP), d.UpdatedAt.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}

func removeDomain(ctx context.Context, db *store.DB, name string, stdout io.Writer) error {
	if name == "" {
		return errors.New("domain remove: need a domain")
	}
	if err := db.DeleteDomain(ctx, name); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("domain remove: %s has no route", name)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: removed; its logins use the WEBMAIL_IMAP/WEBMAIL_SMTP templates\n", name)
	return nil
}

func orTemplate(url string) string {
	if url == "" {
		return "(WEBMAIL_SMTP)"
	}
	return url
}

func validDomain(name string) bool {
	if len(name) == 0 || len(name) > 253 || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// domainPoll is how often an instance checks the domain table for changes.
// A change made on one instance (or by the CLI or the provisioning API)
// is in force on every instance within this, without a restart.
const domainPoll = 2 * time.Second

// loadDomains reads the domain table and the mail backends into the
// router.
func (a *app) loadDomains(ctx context.Context) error {
	domains, err := a.db.Domains(ctx)
	if err != nil {
		return err
	}
	backends, err := a.db.MailBackends(ctx)
	if err != nil {
		return err
	}
	rows, orphans := webapp.RouteRows(domains, backends)
	if len(orphans) > 0 {
		a.logger.Warn("domain routes: domains on a backend that does not exist left out", "domains", orphans)
	}
	if err := a.router.SetDomains(rows); err != nil {
		a.logger.Warn("domain routes: rows left out", "err", err)
	}
	return nil
}

// watchDomains reloads the domain table whenever its version changes, and
// at once when reload fires (SIGHUP).
func (a *app) watchDomains(ctx context.Context, reload <-chan struct{}) {
	version := ""
	tick := time.NewTicker(domainPoll)
	defer tick.Stop()
	failing := false
	for {
		force := false
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-reload:
			force = true
		}
		// Version and rows from the primary: from two replicas (round
		// robin) the version could be newer than the rows, and the stale
		// table would be kept under the new version for good.
		primary := store.WithPrimaryReads(ctx)
		v, err := a.db.DomainsVersion(primary)
		if err == nil && (force || v != version) {
			err = a.loadDomains(primary)
			if err == nil {
				if version != "" || force {
					a.logger.Info("domain routes reloaded", "domains", a.router.Domains())
				}
				version = v
			}
		}
		if err != nil && !failing && ctx.Err() == nil {
			a.logger.Warn("domain routes: cannot read the table; keeping the routes loaded", "err", err)
		}
		failing = err != nil
	}
}
