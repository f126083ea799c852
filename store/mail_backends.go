package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MailBackend is a mail server (or cluster behind one address) that
// domains are routed to: the URLs the webmail uses itself, and the
// plain-text host:port addresses the front proxies reach it on (nginx's
// mail proxy speaks no TLS to backends; the front Postfix relays to
// Relay). An empty proxy address means the backend does not serve that
// protocol through the front hosts.
type MailBackend struct {
	Name            string // "mx1"
	IMAP            string // imaps://mx1.example.com:993, for the webmail
	SMTP            string // smtp+starttls://mx1.example.com:587; "" = the WEBMAIL_SMTP template
	ProxyIMAP       string // 10.0.0.11:143, for nginx
	ProxyPOP3       string // 10.0.0.11:110, for nginx
	ProxySubmission string // 10.0.0.11:587, for nginx (XCLIENT)
	Relay           string // 10.0.0.11:25, for the front Postfix
	UpdatedAt       time.Time
}

// MailBackends lists every mail backend, by name.
func (db *DB) MailBackends(ctx context.Context) ([]MailBackend, error) {
	rows, err := db.queryRead(ctx, `SELECT name, imap, smtp, proxy_imap, proxy_pop3, proxy_submission, relay, updated_at
		FROM mail_backends ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: mail backends: %w", unavailable(err))
	}
	defer rows.Close()
	var out []MailBackend
	for rows.Next() {
		var b MailBackend
		var updated int64
		if err := rows.Scan(&b.Name, &b.IMAP, &b.SMTP, &b.ProxyIMAP, &b.ProxyPOP3, &b.ProxySubmission, &b.Relay, &updated); err != nil {
			return nil, fmt.Errorf("store: mail backends: %w", err)
		}
		b.UpdatedAt = time.UnixMilli(updated)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: mail backends: %w", unavailable(err))
	}
	return out, nil
}

// SaveMailBackend creates or replaces a mail backend.
func (db *DB) SaveMailBackend(ctx context.Context, b MailBackend) error {
	name := strings.ToLower(strings.TrimSpace(b.Name))
	if name == "" {
		return fmt.Errorf("store: mail backend: empty name")
	}
	var q string
	switch db.dialect {
	case MySQL:
		q = `INSERT INTO mail_backends (name, imap, smtp, proxy_imap, proxy_pop3, proxy_submission, relay, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON DUPLICATE KEY UPDATE imap = VALUES(imap), smtp = VALUES(smtp), proxy_imap = VALUES(proxy_imap),
			proxy_pop3 = VALUES(proxy_pop3), proxy_submission = VALUES(proxy_submission), relay = VALUES(relay),
			updated_at = VALUES(updated_at)`
	default:
		q = `INSERT INTO mail_backends (name, imap, smtp, proxy_imap, proxy_pop3, proxy_submission, relay, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET imap = excluded.imap, smtp = excluded.smtp, proxy_imap = excluded.proxy_imap,
			proxy_pop3 = excluded.proxy_pop3, proxy_submission = excluded.proxy_submission, relay = excluded.relay,
			updated_at = excluded.updated_at`
	}
	if _, err := db.write.ExecContext(ctx, q, name, b.IMAP, b.SMTP, b.ProxyIMAP, b.ProxyPOP3, b.ProxySubmission,
		b.Relay, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("store: mail backend %s: %w", name, unavailable(err))
	}
	return nil
}

// ErrBackendInUse refuses to delete a backend that domains still use.
var ErrBackendInUse = errors.New("store: mail backend still has domains")

// DeleteMailBackend removes a backend no domain uses, or returns
// ErrNotFound or ErrBackendInUse.
func (db *DB) DeleteMailBackend(ctx context.Context, name string) error {
	name = strings.ToLower(strings.TrimSpace(name))
	// One statement, so a domain moved onto the backend meanwhile cannot
	// be left pointing at nothing.
	res, err := db.write.ExecContext(ctx, `DELETE FROM mail_backends WHERE name = ?
		AND NOT EXISTS (SELECT 1 FROM (SELECT backend FROM domains WHERE backend = ?) AS used)`, name, name)
	if err != nil {
		return fmt.Errorf("store: mail backend %s: %w", name, unavailable(err))
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	var used int
	if err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM domains WHERE backend = ?`, name).Scan(&used); err != nil {
		return fmt.Errorf("store: mail backend %s: %w", name, unavailable(err))
	}
	if used > 0 {
		return fmt.Errorf("store: mail backend %s: %w", name, ErrBackendInUse)
	}
	return fmt.Errorf("store: mail backend %s: %w", name, ErrNotFound)
}
