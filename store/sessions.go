package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SessionData reads an unexpired session's encoded data. Sessions are read
// from the primary: a session written a moment ago on another instance must
// be found, and a replica may not have it yet.
func (db *DB) SessionData(ctx context.Context, id string) ([]byte, error) {
	var data []byte
	err := db.write.QueryRowContext(ctx, `SELECT data FROM sessions WHERE id = ? AND expires_at > ?`, id, now()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: session: %w", err)
	}
	return data, nil
}

// SaveSessionData creates or replaces a session with its expiry.
func (db *DB) SaveSessionData(ctx context.Context, id string, data []byte, expires time.Time) error {
	var q string
	switch db.dialect {
	case MySQL:
		q = `INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)
			ON DUPLICATE KEY UPDATE data = VALUES(data), expires_at = VALUES(expires_at)`
	default:
		q = `INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`
	}
	if _, err := db.write.ExecContext(ctx, q, id, data, expires.Unix()); err != nil {
		return fmt.Errorf("store: save session: %w", err)
	}
	return nil
}

// DeleteSession removes a session; a missing one is not an error.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their expiry, at most limit of
// them per call so a large backlog never holds long locks.
func (db *DB) DeleteExpiredSessions(ctx context.Context, limit int) (int64, error) {
	var q string
	switch db.dialect {
	case MySQL:
		q = `DELETE FROM sessions WHERE expires_at <= ? LIMIT ?`
	default:
		q = `DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= ? LIMIT ?)`
	}
	res, err := db.write.ExecContext(ctx, q, now(), limit)
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
