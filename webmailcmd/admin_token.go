package webmailcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	webapp "github.com/webmail/webmail/app"
)

// runAdminToken manages the provisioning API's tokens:
//
//	webmail admin-token create NAME   prints the token once; only its hash is stored
//	webmail admin-token list
//	webmail admin-token revoke ID
//
// A revoked token is refused by every instance from the next request on.
func runAdminToken(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		adminTokenUsage(stdout)
		if len(args) == 0 {
			return errors.New("admin-token: no verb given")
		}
		return nil
	}
	verb, rest := args[0], args[1:]
	provision, closeDB, err := openProvisioning()
	if err != nil {
		return err
	}
	defer closeDB()
	ctx := context.Background()
	switch verb {
	case "create":
		if len(rest) == 0 {
			return errors.New("admin-token create: need a name (what uses the token)")
		}
		token, t, err := provision.CreateAdminToken(ctx, webapp.ActorCLI, strings.Join(rest, " "))
		if err != nil {
			return cliError("admin-token create", err)
		}
		fmt.Fprintf(stderr, "token %s (%s) created; it is shown only now:\n", t.ID, t.Name)
		fmt.Fprintln(stdout, token)
		return nil
	case "list":
		tokens, err := provision.AdminTokens(ctx)
		if err != nil {
			return cliError("admin-token list", err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tREVOKED")
		for _, t := range tokens {
			revoked := "-"
			if !t.RevokedAt.IsZero() {
				revoked = t.RevokedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.UTC().Format(time.RFC3339), revoked)
		}
		return tw.Flush()
	case "revoke":
		if len(rest) != 1 {
			return errors.New("admin-token revoke: need the token's ID (webmail admin-token list)")
		}
		if err := provision.RevokeAdminToken(ctx, webapp.ActorCLI, rest[0]); err != nil {
			return cliError("admin-token revoke", err)
		}
		fmt.Fprintf(stdout, "token %s revoked\n", rest[0])
		return nil
	}
	adminTokenUsage(stderr)
	return fmt.Errorf("admin-token: unknown verb %q", verb)
}

func adminTokenUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  webmail admin-token create NAME   make a provisioning API token (printed once; only its hash is kept)")
	fmt.Fprintln(w, "  webmail admin-token list          show the tokens, revoked ones too")
	fmt.Fprintln(w, "  webmail admin-token revoke ID     refuse the token from now on, on every instance")
}
