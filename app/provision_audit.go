package app

import (
	"context"
	"encoding/json"

	"github.com/webmail/webmail/store"
)

// Actor names who makes a provisioning change, in the audit log: "cli"
// for `webmail domain ...` and `webmail admin-token ...`, or the admin
// token's name and ID for the provisioning API.
type Actor string

// ActorCLI is the command line on a host with the database credentials.
const ActorCLI Actor = "cli"

// audit records a change: a log line always, and a row in admin_audit.
// The change has happened when audit runs, so a failed row is logged as
// an error rather than reported to the caller as a failed change.
func (a *App) audit(ctx context.Context, actor Actor, action, target string, detail any) {
	data, _ := json.Marshal(detail)
	a.Logger.InfoContext(ctx, "audit", "actor", string(actor), "action", action, "target", target, "detail", string(data))
	if err := a.DB.AddAudit(ctx, store.AuditEntry{Actor: string(actor), Action: action, Target: target, Detail: string(data)}); err != nil {
		a.Logger.ErrorContext(ctx, "audit: the change was made but its audit row could not be written", "action", action, "target", target, "err", err)
	}
}

// AuditLog returns the newest provisioning changes, at most limit.
func (a *App) AuditLog(ctx context.Context, limit int) ([]store.AuditEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	entries, err := a.DB.AuditEntries(store.WithPrimaryReads(ctx), limit)
	if err != nil {
		return nil, storeError(err)
	}
	return entries, nil
}
