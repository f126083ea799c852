package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Domain routes a login domain to its mail servers (`webmail domain add`).
type Domain struct {
	Name string // lower case, for example "example.com"
	IMAP string // imaps://mx1.example.com:993
	SMTP string // smtp+starttls://mx1.example.com:587; "" = the WEBMAIL_SMTP template
	// Backend names the mail backend (MailBackend) whose servers this
	// domain uses instead of IMAP and SMTP; "" = IMAP and SMTP.
	Backend   string
	UpdatedAt time.Time
}

// Domains lists every domain route, by name.
func (db *DB) Domains(ctx context.Context) ([]Domain, error) {
	rows, err := db.queryRead(ctx, `SELECT domain, imap, smtp, backend, updated_at FROM domains ORDER BY domain`)
	if err != nil {
		return nil, fmt.Errorf("store: domains: %w", unavailable(err))
	}
	defer rows.Close()
	var out []Domain
	for rows.Next() {
		var d Domain
		var updated int64
		if err := rows.Scan(&d.Name, &d.IMAP, &d.SMTP, &d.Backend, &updated); err != nil {
			return nil, fmt.Errorf("store: domains: %w", err)
		}
		d.UpdatedAt = time.UnixMilli(updated)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: domains: %w", unavailable(err))
	}
	return out, nil
}

// DomainsVersion changes whenever a domain route or a mail backend is
// added, changed or removed, so instances can poll it cheaply and reload
// only on change.
func (db *DB) DomainsVersion(ctx context.Context) (string, error) {
	var count, latest, backends, backendLatest int64
	err := db.queryRowRead(ctx, func(row *sql.Row) error { return row.Scan(&count, &latest, &backends, &backendLatest) },
		`SELECT (SELECT COUNT(*) FROM domains), (SELECT COALESCE(MAX(updated_at), 0) FROM domains),
			(SELECT COUNT(*) FROM mail_backends), (SELECT COALESCE(MAX(updated_at), 0) FROM mail_backends)`)
	if err != nil {
		return "", fmt.Errorf("store: domains version: %w", unavailable(err))
	}
	return fmt.Sprintf("%d-%d-%d-%d", count, latest, backends, backendLatest), nil
}

// SaveDomain creates or replaces a domain route.
func (db *DB) SaveDomain(ctx context.Context, d Domain) error {
	name := strings.ToLower(strings.TrimSpace(d.Name))
	if name == "" {
		return fmt.Errorf("store: domain: empty name")
	}
	var q string
	switch db.dialect {
	case MySQL:
		q = `INSERT INTO domains (domain, imap, smtp, backend, updated_at) VALUES (?, ?, ?, ?, ?)
			ON DUPLICATE KEY UPDATE imap = VALUES(imap), smtp = VALUES(smtp), backend = VALUES(backend), updated_at = VALUES(updated_at)`
	default:
		q = `INSERT INTO domains (domain, imap, smtp, backend, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (domain) DO UPDATE SET imap = excluded.imap, smtp = excluded.smtp, backend = excluded.backend, updated_at = excluded.updated_at`
	}
	if _, err := db.write.ExecContext(ctx, q, name, d.IMAP, d.SMTP, d.Backend, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("store: domain %s: %w", name, unavailable(err))
	}
	return nil
}

// DeleteDomain removes a domain route, or returns ErrNotFound.
func (db *DB) DeleteDomain(ctx context.Context, name string) error {
	name = strings.ToLower(strings.TrimSpace(name))
	res, err := db.write.ExecContext(ctx, `DELETE FROM domains WHERE domain = ?`, name)
	if err != nil {
		return fmt.Errorf("store: domain %s: %w", name, unavailable(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: domain %s: %w", name, ErrNotFound)
	}
	return nil
}
