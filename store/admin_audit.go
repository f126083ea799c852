package store

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry is one provisioning change: who (an admin token's name and
// ID, or "cli"), what, on what, and the details as JSON.
type AuditEntry struct {
	ID     int64
	At     time.Time
	Actor  string
	Action string // "domain.save", "domain.move", "backend.delete", "sessions.end", ...
	Target string // the domain, backend or user acted on
	Detail string // JSON
}

// AddAudit records a change.
func (db *DB) AddAudit(ctx context.Context, e AuditEntry) error {
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO admin_audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)`,
		at.UnixMilli(), e.Actor, e.Action, e.Target, e.Detail)
	if err != nil {
		return fmt.Errorf("store: audit: %w", unavailable(err))
	}
	return nil
}

// AuditEntries returns the newest entries first, at most limit.
func (db *DB) AuditEntries(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := db.queryRead(ctx, `SELECT id, at, actor, action, target, detail FROM admin_audit ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit: %w", unavailable(err))
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: audit: %w", err)
		}
		e.At = time.UnixMilli(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit: %w", unavailable(err))
	}
	return out, nil
}
