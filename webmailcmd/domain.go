package webmailcmd

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
	"github.com/webmail/webmail/store"
)

// domainArgs is one `webmail domain` invocation.
type domainArgs struct {
	verb, name string
	imap, smtp string
	backend    string
}

// runDomain manages the per-domain mail server table with the same
// application code as the provisioning API (validation, audit log):
//
//	webmail domain add example.com --imap imaps://mx1:993 [--smtp smtp+starttls://mx1:587]
//	webmail domain add example.com --backend mx1
//	webmail domain move example.com --backend mx2
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
	provision, closeDB, err := openProvisioning()
	if err != nil {
		return err
	}
	defer closeDB()
	ctx := context.Background()
	switch cmd.verb {
	case "add":
		return addDomain(ctx, provision, cmd, stdout, stderr)
	case "move":
		return moveDomain(ctx, provision, cmd, stdout)
	case "list":
		return listDomains(ctx, provision, stdout)
	case "remove":
		return removeDomain(ctx, provision, cmd.name, stdout)
	}
	domainUsage(stderr)
	return fmt.Errorf("domain: unknown verb %q", cmd.verb)
}

// openProvisioning opens the database (schema checked) and the
// application layer over it, for the admin commands.
func openProvisioning() (*webapp.App, func(), error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, nil, err
	}
	db, err := openDB(cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := db.CheckSchema(context.Background()); err != nil {
		db.Close()
		return nil, nil, err
	}
	return webapp.New(webapp.Deps{DB: db}), func() { db.Close() }, nil
}

// cliError shows an application error's safe message, after verb.
func cliError(verb string, err error) error {
	if e := webapp.AsError(err); e != nil && e.Message != "" {
		return fmt.Errorf("%s: %s", verb, e.Message)
	}
	return fmt.Errorf("%s: %w", verb, err)
}

func domainUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  webmail domain add DOMAIN --imap URL [--smtp URL]   route DOMAIN's logins to these servers")
	fmt.Fprintln(w, "  webmail domain add DOMAIN --backend NAME             put DOMAIN on a mail backend (provisioning API)")
	fmt.Fprintln(w, "  webmail domain move DOMAIN --backend NAME            move DOMAIN to another backend")
	fmt.Fprintln(w, "  webmail domain list                                  show the routes")
	fmt.Fprintln(w, "  webmail domain remove DOMAIN                         back to the WEBMAIL_IMAP/WEBMAIL_SMTP templates")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "URLs as in WEBMAIL_IMAP (imaps://host:993) and WEBMAIL_SMTP (smtp+starttls://host:587);")
	fmt.Fprintln(w, "without --smtp the WEBMAIL_SMTP template applies. Instances pick changes up within seconds.")
	fmt.Fprintln(w, "Every change is written to the audit log.")
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
	backend := fs.String("backend", "", "mail backend name")
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
	return domainArgs{verb: verb, name: name, imap: *imap, smtp: *smtp, backend: *backend}, nil
}

func addDomain(ctx context.Context, provision *webapp.App, cmd domainArgs, stdout, stderr io.Writer) error {
	if cmd.name == "" || (cmd.imap == "" && cmd.backend == "") {
		domainUsage(stderr)
		return errors.New("domain add: need a domain and --imap or --backend")
	}
	d, err := provision.SaveDomain(ctx, webapp.ActorCLI, webapp.DomainInput{Name: cmd.name, Backend: cmd.backend, IMAP: cmd.imap, SMTP: cmd.smtp})
	if err != nil {
		return cliError("domain add", err)
	}
	if d.Backend != "" {
		fmt.Fprintf(stdout, "%s: on backend %s\n", d.Name, d.Backend)
		return nil
	}
	fmt.Fprintf(stdout, "%s: imap %s, smtp %s\n", d.Name, d.IMAP, orTemplate(d.SMTP))
	return nil
}

func moveDomain(ctx context.Context, provision *webapp.App, cmd domainArgs, stdout io.Writer) error {
	if cmd.name == "" || cmd.backend == "" {
		return errors.New("domain move: need a domain and --backend")
	}
	d, err := provision.MoveDomain(ctx, webapp.ActorCLI, cmd.name, cmd.backend)
	if err != nil {
		return cliError("domain move", err)
	}
	fmt.Fprintf(stdout, "%s: moved to backend %s\n", d.Name, d.Backend)
	return nil
}

func listDomains(ctx context.Context, provision *webapp.App, stdout io.Writer) error {
	domains, err := provision.Domains(ctx)
	if err != nil {
		return cliError("domain list", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DOMAIN\tBACKEND\tIMAP\tSMTP\tUPDATED")
	for _, d := range domains {
		backend, imap, smtp := "-", d.IMAP, orTemplate(d.SMTP)
		if d.Backend != "" {
			backend, imap, smtp = d.Backend, "(backend)", "(backend)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Name, backend, imap, smtp, d.UpdatedAt.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}

func removeDomain(ctx context.Context, provision *webapp.App, name string, stdout io.Writer) error {
	if name == "" {
		return errors.New("domain remove: need a domain")
	}
	if err := provision.DeleteDomain(ctx, webapp.ActorCLI, name); err != nil {
		if e := webapp.AsError(err); e != nil && e.Code == webapp.CodeNotFound {
			return fmt.Errorf("domain remove: %s has no route", name)
		}
		return cliError("domain remove", err)
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
