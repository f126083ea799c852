package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limits of what a pref or a trusted sender may hold, the column sizes.
const (
	maxPrefName    = 64
	maxPrefValue   = 1024
	maxSenderEmail = 320
)

// ErrInvalidPref reports a setting name or value, or a sender address, that
// is empty or does not fit its column.
var ErrInvalidPref = errors.New("store: value too long or empty")

// Prefs returns every setting of the user as name -> value. A user without
// settings gets an empty map: defaults are the caller's business. It reads
// a replica, falling back to the primary when the replica does not answer
// (and reads the primary when ctx asks for read-your-writes).
func (db *DB) Prefs(ctx context.Context, userID int64) (map[string]string, error) {
	rows, err := db.queryRead(ctx, `SELECT name, value FROM user_prefs WHERE user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: prefs of user %d: %w", userID, unavailable(err))
	}
	defer rows.Close()
	prefs := map[string]string{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return nil, fmt.Errorf("store: prefs of user %d: %w", userID, unavailable(err))
		}
		prefs[name] = value
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: prefs of user %d: %w", userID, unavailable(err))
	}
	return prefs, nil
}

// UserPrefs returns the ID and every setting of the user who logs in as
// email in one query, for pages that need both on every request (the
// message view). ErrNotFound when the login was never recorded.
func (db *DB) UserPrefs(ctx context.Context, email string) (int64, map[string]string, error) {
	rows, err := db.queryRead(ctx, `SELECT u.id, p.name, p.value FROM users u
		LEFT JOIN user_prefs p ON p.user_id = u.id WHERE u.email = ?`, email)
	if err != nil {
		return 0, nil, fmt.Errorf("store: prefs of %s: %w", email, unavailable(err))
	}
	defer rows.Close()
	var userID int64
	found := false
	prefs := map[string]string{}
	for rows.Next() {
		var name, value sql.NullString
		if err := rows.Scan(&userID, &name, &value); err != nil {
			return 0, nil, fmt.Errorf("store: prefs of %s: %w", email, unavailable(err))
		}
		found = true
		if name.Valid {
			prefs[name.String] = value.String
		}
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("store: prefs of %s: %w", email, unavailable(err))
	}
	if !found {
		return 0, nil, fmt.Errorf("store: prefs of %s: %w", email, ErrNotFound)
	}
	return userID, prefs, nil
}

// PrefsByEmail returns every setting of the user who logs in as email,
// like Prefs, in one query: the message list reads it on every page. A
// login without a users row (not recorded yet) has no settings: an empty
// map, not an error.
func (db *DB) PrefsByEmail(ctx context.Context, email string) (map[string]string, error) {
	_, prefs, err := db.UserPrefs(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return map[string]string{}, nil
	}
	return prefs, err
}

// validPref checks a setting against its columns, and the settings whose
// values the store defines against their range.
func validPref(name, value string) bool {
	if name == PrefUndoSendDelay {
		n, err := strconv.Atoi(value)
		return err == nil && n >= 0 && n <= MaxUndoSendDelay
	}
	return name != "" && len(name) <= maxPrefName && len(value) <= maxPrefValue
}

// upsertPref is the statement that stores one setting, replacing any
// earlier value.
func (db *DB) upsertPref() string {
	if db.dialect == MySQL {
		return `INSERT INTO user_prefs (user_id, name, value, updated_at) VALUES (?, ?, ?, ?)
			ON DUPLICATE KEY UPDATE value = VALUES(value), updated_at = VALUES(updated_at)`
	}
	return `INSERT INTO user_prefs (user_id, name, value, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`
}

// SetPref stores one setting of the user, replacing any earlier value.
func (db *DB) SetPref(ctx context.Context, userID int64, name, value string) error {
	if !validPref(name, value) {
		return fmt.Errorf("store: pref %q of user %d: %w", name, userID, ErrInvalidPref)
	}
	if _, err := db.write.ExecContext(ctx, db.upsertPref(), userID, name, value, now()); err != nil {
		return fmt.Errorf("store: pref %q of user %d: %w", name, userID, unavailable(err))
	}
	return nil
}

// SetPrefs stores several settings of the user at once, replacing earlier
// values: all of them or, on any error, none, so a settings form is never
// half saved. Settings not named in prefs are left as they are.
func (db *DB) SetPrefs(ctx context.Context, userID int64, prefs map[string]string) error {
	for name, value := range prefs {
		if !validPref(name, value) {
			return fmt.Errorf("store: pref %q of user %d: %w", name, userID, ErrInvalidPref)
		}
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: prefs of user %d: %w", userID, unavailable(err))
	}
	defer tx.Rollback()
	// In name order: two saves at once (two tabs) then lock the rows in
	// the same order and cannot deadlock each other.
	query, t := db.upsertPref(), now()
	for _, name := range slices.Sorted(maps.Keys(prefs)) {
		if _, err := tx.ExecContext(ctx, query, userID, name, prefs[name], t); err != nil {
			return fmt.Errorf("store: pref %q of user %d: %w", name, userID, unavailable(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: prefs of user %d: %w", userID, unavailable(err))
	}
	return nil
}

// normalizeSender is the form sender addresses are stored and compared in:
// trimmed and lower-cased. Local parts are case-sensitive in theory only;
// every mail system in use treats them case-insensitively.
func normalizeSender(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || len(email) > maxSenderEmail {
		return "", ErrInvalidPref
	}
	return email, nil
}

// TrustSender records that the user wants remote content shown in messages
// from sender. Trusting a sender twice is not an error.
func (db *DB) TrustSender(ctx context.Context, userID int64, sender string) error {
	email, err := normalizeSender(sender)
	if err != nil {
		return fmt.Errorf("store: trust sender for user %d: %w", userID, err)
	}
	query := `INSERT INTO trusted_senders (user_id, sender_email, created_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id, sender_email) DO NOTHING`
	if db.dialect == MySQL {
		// Not INSERT IGNORE: that also turns foreign-key and truncation
		// errors into warnings, which SQLite would report.
		query = `INSERT INTO trusted_senders (user_id, sender_email, created_at) VALUES (?, ?, ?)
			ON DUPLICATE KEY UPDATE sender_email = sender_email`
	}
	if _, err := db.write.ExecContext(ctx, query, userID, email, now()); err != nil {
		return fmt.Errorf("store: trust sender for user %d: %w", userID, unavailable(err))
	}
	return nil
}

// UntrustSender forgets a trusted sender; one that was never trusted is not
// an error.
func (db *DB) UntrustSender(ctx context.Context, userID int64, sender string) error {
	email, err := normalizeSender(sender)
	if err != nil {
		return fmt.Errorf("store: untrust sender for user %d: %w", userID, err)
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM trusted_senders WHERE user_id = ? AND sender_email = ?`, userID, email); err != nil {
		return fmt.Errorf("store: untrust sender for user %d: %w", userID, unavailable(err))
	}
	return nil
}

// IsTrustedSender reports whether the user trusts sender. It reads a
// replica (the primary when ctx asks for read-your-writes, see
// WithPrimaryReads), so otherwise a sender trusted a moment ago may not be
// seen as trusted for as long as the replica lags.
func (db *DB) IsTrustedSender(ctx context.Context, userID int64, sender string) (bool, error) {
	email, err := normalizeSender(sender)
	if err != nil {
		return false, nil // nobody can have trusted an empty or oversized address
	}
	var one int
	err = db.queryRowRead(ctx, func(row *sql.Row) error { return row.Scan(&one) },
		`SELECT 1 FROM trusted_senders WHERE user_id = ? AND sender_email = ?`, userID, email)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	default:
		return false, fmt.Errorf("store: trusted sender for user %d: %w", userID, unavailable(err))
	}
}

// TrustedSenders lists the senders the user trusts, sorted.
func (db *DB) TrustedSenders(ctx context.Context, userID int64) ([]string, error) {
	rows, err := db.queryRead(ctx, `SELECT sender_email FROM trusted_senders WHERE user_id = ? ORDER BY sender_email`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: trusted senders of user %d: %w", userID, unavailable(err))
	}
	defer rows.Close()
	var senders []string
	for rows.Next() {
		var email string
		if err := rows.Scan(&email); err != nil {
			return nil, fmt.Errorf("store: trusted senders of user %d: %w", userID, unavailable(err))
		}
		senders = append(senders, email)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: trusted senders of user %d: %w", userID, unavailable(err))
	}
	return senders, nil
}

// PrefUndoSendDelay is the setting for how many seconds a sent message
// waits in the outbox, where the user can still cancel it: a whole number
// from 0 (send at once) to MaxUndoSendDelay. SetPref and SetPrefs refuse
// any other value with ErrInvalidPref.
const PrefUndoSendDelay = "undo_send_delay"

// Bounds of PrefUndoSendDelay, in seconds.
const (
	DefaultUndoSendDelay = 10
	MaxUndoSendDelay     = 30
)

// UndoSendDelay reads the undo-send delay from a user's prefs (as Prefs
// returns them): the default when it is missing or not a valid value.
func UndoSendDelay(prefs map[string]string) time.Duration {
	value, ok := prefs[PrefUndoSendDelay]
	if !ok || !validPref(PrefUndoSendDelay, value) {
		return DefaultUndoSendDelay * time.Second
	}
	n, _ := strconv.Atoi(value)
	return time.Duration(n) * time.Second
}
