package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SessionData reads an unexpired session's encoded data. Sessions are read
// from the primary: a session written a moment ago on another instance must
// be found, and a replica may not have it yet. Only when the primary cannot
// be reached does the read go to a replica: a session there is better than
// logging out every user during a primary outage. A session the primary
// does not have is not looked for elsewhere.
func (db *DB) SessionData(ctx context.Context, id string) ([]byte, error) {
	const q = `SELECT data FROM sessions WHERE id = ? AND expires_at > ?`
	at := now()
	var data []byte
	err := db.queryRowOn(ctx, db.write, q, id, at).Scan(&data)
	if IsUnavailable(err) && ctx.Err() == nil {
		if replica := db.otherPool(db.write, err); replica != nil {
			err = db.queryRowOn(ctx, replica, q, id, at).Scan(&data)
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: session: %w", unavailable(err))
	}
	return data, nil
}

// SaveSessionData creates or replaces a session with its expiry.
func (db *DB) SaveSessionData(ctx context.Context, id string, data []byte, expires time.Time) error {
	return db.SaveUserSessionData(ctx, id, "", data, expires)
}

// SaveUserSessionData creates or replaces a session of user (a login,
// compared lower-cased) with its expiry, so SessionIDsOfUser finds it.
func (db *DB) SaveUserSessionData(ctx context.Context, id, user string, data []byte, expires time.Time) error {
	var q string
	switch db.dialect {
	case MySQL:
		q = `INSERT INTO sessions (id, user_key, data, expires_at) VALUES (?, ?, ?, ?)
			ON DUPLICATE KEY UPDATE user_key = VALUES(user_key), data = VALUES(data), expires_at = VALUES(expires_at)`
	default:
		q = `INSERT INTO sessions (id, user_key, data, expires_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET user_key = excluded.user_key, data = excluded.data, expires_at = excluded.expires_at`
	}
	if _, err := db.write.ExecContext(ctx, q, id, strings.ToLower(strings.TrimSpace(user)), data, expires.Unix()); err != nil {
		return fmt.Errorf("store: save session: %w", err)
	}
	return nil
}

// SessionIDsOfUser returns the IDs of user's unexpired sessions, from the
// primary (an admin ending them must not miss one made a moment ago).
func (db *DB) SessionIDsOfUser(ctx context.Context, user string) ([]string, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT id FROM sessions WHERE user_key = ? AND expires_at > ? ORDER BY id`,
		strings.ToLower(strings.TrimSpace(user)), now())
	if err != nil {
		return nil, fmt.Errorf("store: sessions of user: %w", unavailable(err))
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: sessions of user: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sessions of user: %w", unavailable(err))
	}
	return ids, nil
}

// TouchSessionData replaces the data and expiry of an unexpired session
// and returns ErrNotFound when there is none. Unlike SaveSessionData it
// never creates the row, so refreshing a session cannot bring back one
// that a logout deleted meanwhile.
func (db *DB) TouchSessionData(ctx context.Context, id string, data []byte, expires time.Time) error {
	at := now()
	res, err := db.write.ExecContext(ctx, `UPDATE sessions SET data = ?, expires_at = ? WHERE id = ? AND expires_at > ?`,
		data, expires.Unix(), id, at)
	if err != nil {
		return fmt.Errorf("store: touch session: %w", unavailable(err))
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		return nil
	}
	// MySQL counts changed rows only: an update writing the values the row
	// already holds affects none, so look before saying it is gone.
	var found int
	err = db.write.QueryRowContext(ctx, `SELECT 1 FROM sessions WHERE id = ? AND expires_at > ?`, id, at).Scan(&found)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: touch session: %w", ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: touch session: %w", unavailable(err))
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
