package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Failed logins, counted in a sliding window shared by every instance,
// for the login rate limits when there is no Redis. Counts are read on the
// primary: a replica a moment behind would let an attacker through.

// limitKey hashes a rate-limit key ("user:anna@example.test",
// "ip:192.0.2.1"), so the table holds no user names or addresses.
func limitKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// AddLoginFailure records a failed login for key at t.
func (db *DB) AddLoginFailure(ctx context.Context, key string, t time.Time) (string, error) {
	res, err := db.write.ExecContext(ctx, `INSERT INTO login_failures (limit_key, failed_at) VALUES (?, ?)`, limitKey(key), t.UnixMilli())
	if err != nil {
		return "", fmt.Errorf("store: login failure: %w", unavailable(err))
	}
	id, err := res.LastInsertId()
	if err != nil {
		return "", fmt.Errorf("store: login failure: %w", err)
	}
	return strconv.FormatInt(id, 10), nil
}

// RemoveLoginFailure takes back one failure AddLoginFailure recorded (an
// attempt counted before it was tried that then succeeded).
func (db *DB) RemoveLoginFailure(ctx context.Context, key, id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("store: login failure id %q: %w", id, ErrNotFound)
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE id = ? AND limit_key = ?`, n, limitKey(key)); err != nil {
		return fmt.Errorf("store: remove login failure: %w", unavailable(err))
	}
	return nil
}

// LoginBlockedUntil returns when key will have fewer than limit failures
// within window, or the zero time if it has fewer already.
func (db *DB) LoginBlockedUntil(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (time.Time, error) {
	if limit <= 0 {
		return time.Time{}, nil
	}
	// The limit-th newest failure in the window: once it is older than the
	// window, fewer than limit remain.
	var at int64
	err := db.write.QueryRowContext(ctx, `SELECT failed_at FROM login_failures
		WHERE limit_key = ? AND failed_at > ? ORDER BY failed_at DESC LIMIT 1 OFFSET ?`,
		limitKey(key), now.Add(-window).UnixMilli(), limit-1).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: login failures: %w", unavailable(err))
	}
	return time.UnixMilli(at).Add(window), nil
}

// CountLoginFailures returns key's failures within window.
func (db *DB) CountLoginFailures(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	var n int
	err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failures WHERE limit_key = ? AND failed_at > ?`,
		limitKey(key), now.Add(-window).UnixMilli()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: login failures: %w", unavailable(err))
	}
	return n, nil
}

// ClearLoginFailures forgets key's failures (after a successful login).
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE limit_key = ?`, limitKey(key)); err != nil {
		return fmt.Errorf("store: clear login failures: %w", unavailable(err))
	}
	return nil
}

// PruneLoginFailures deletes failures older than before, in batches, and
// returns how many it removed. One job runner of the cluster calls it.
func (db *DB) PruneLoginFailures(ctx context.Context, before time.Time) (int64, error) {
	var q string
	switch db.dialect {
	case MySQL:
		q = `DELETE FROM login_failures WHERE failed_at < ? LIMIT 1000`
	default:
		q = `DELETE FROM login_failures WHERE id IN (SELECT id FROM login_failures WHERE failed_at < ? LIMIT 1000)`
	}
	var total int64
	for {
		res, err := db.write.ExecContext(ctx, q, before.UnixMilli())
		if err != nil {
			return total, fmt.Errorf("store: prune login failures: %w", unavailable(err))
		}
		n, _ := res.RowsAffected()
		total += n
		if n < 1000 {
			return total, nil
		}
	}
}
