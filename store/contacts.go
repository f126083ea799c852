package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Addr is one recipient as the user wrote it: a display name (may be
// empty) and an address.
type Addr struct {
	Name  string
	Email string
}

// Contact is an address the user has sent to, collected for autocomplete.
type Contact struct {
	ID       int64
	Email    string
	Name     string
	UseCount int64
	LastUsed time.Time
}

// Column sizes of contacts.
const (
	maxContactEmail = 320
	maxContactName  = 255
)

// contactKey is the form emails and names are searched in: trimmed and
// lower-cased, so that a prefix search is case-insensitive and still an
// index range.
func contactKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// upsertContact counts one more use of an address, creating its row on
// first use. A new non-empty name replaces the one stored.
func (db *DB) upsertContact() string {
	if db.dialect == MySQL {
		return `INSERT INTO contacts (user_id, email, email_key, name, name_key, use_count, last_used_at)
			VALUES (?, ?, ?, ?, ?, 1, ?)
			ON DUPLICATE KEY UPDATE use_count = use_count + 1, last_used_at = VALUES(last_used_at),
				email = VALUES(email),
				name = IF(VALUES(name) = '', name, VALUES(name)),
				name_key = IF(VALUES(name) = '', name_key, VALUES(name_key))`
	}
	return `INSERT INTO contacts (user_id, email, email_key, name, name_key, use_count, last_used_at)
		VALUES (?, ?, ?, ?, ?, 1, ?)
		ON CONFLICT (user_id, email_key) DO UPDATE SET use_count = use_count + 1,
			last_used_at = excluded.last_used_at, email = excluded.email,
			name = CASE WHEN excluded.name = '' THEN name ELSE excluded.name END,
			name_key = CASE WHEN excluded.name = '' THEN name_key ELSE excluded.name_key END`
}

// CollectRecipients records that the user sent to addrs at time at: each
// address's use count goes up by one and its last use becomes at. An
// address written twice in addrs counts once. Addresses that are empty or
// longer than the column are skipped; names are cut to fit.
func (db *DB) CollectRecipients(ctx context.Context, userID int64, addrs []Addr, at time.Time) error {
	byKey := map[string]Addr{}
	for _, a := range addrs {
		a.Email = strings.TrimSpace(a.Email)
		a.Name = truncateUTF8(strings.TrimSpace(a.Name), maxContactName)
		key := contactKey(a.Email)
		if key == "" || len(a.Email) > maxContactEmail {
			continue
		}
		if prev, ok := byKey[key]; ok && a.Name == "" {
			a.Name = prev.Name
		}
		byKey[key] = a
	}
	if len(byKey) == 0 {
		return nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: collect recipients of user %d: %w", userID, unavailable(err))
	}
	defer tx.Rollback()
	// In key order, so that two sends to overlapping recipients lock the
	// rows in the same order and cannot deadlock each other.
	keys := slices.Sorted(maps.Keys(byKey))
	query := db.upsertContact()
	for _, key := range keys {
		a := byKey[key]
		if _, err := tx.ExecContext(ctx, query, userID, a.Email, key, a.Name, contactKey(a.Name), at.UnixMilli()); err != nil {
			return fmt.Errorf("store: collect recipients of user %d: %w", userID, unavailable(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: collect recipients of user %d: %w", userID, unavailable(err))
	}
	return nil
}

// prefixUpperBound is the exclusive upper end of the key range holding
// every string that starts with prefix: no character sorts after
// U+10FFFF, in SQLite's BINARY collation and MySQL's utf8mb4_bin alike.
func prefixUpperBound(prefix string) string { return prefix + "\U0010FFFF" }

// searchContactsQuery is the prefix search: two index ranges, one on the
// email key and one on the name key (contacts_email, contacts_name),
// merged. A range rather than LIKE, because SQLite uses an index for LIKE
// only on NOCASE columns.
const searchContactsQuery = `SELECT id, email, name, use_count, last_used_at FROM contacts
	WHERE user_id = ? AND email_key >= ? AND email_key < ?
	UNION
	SELECT id, email, name, use_count, last_used_at FROM contacts
	WHERE user_id = ? AND name_key >= ? AND name_key < ?
	ORDER BY use_count DESC, last_used_at DESC, id
	LIMIT ?`

// searchContactsArgs are the arguments of searchContactsQuery.
func searchContactsArgs(userID int64, prefix string, limit int) []any {
	key := contactKey(prefix)
	upper := prefixUpperBound(key)
	return []any{userID, key, upper, userID, key, upper, limit}
}

// SearchContacts returns up to limit of the user's contacts whose address
// or name starts with prefix, ignoring case and surrounding spaces, most
// used first, then most recently used. An empty prefix finds nothing. It
// reads a replica (the primary when ctx asks for read-your-writes).
func (db *DB) SearchContacts(ctx context.Context, userID int64, prefix string, limit int) ([]Contact, error) {
	if contactKey(prefix) == "" || limit <= 0 {
		return nil, nil
	}
	rows, err := db.queryRead(ctx, searchContactsQuery, searchContactsArgs(userID, prefix, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: search contacts of user %d: %w", userID, unavailable(err))
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		var last int64
		if err := rows.Scan(&c.ID, &c.Email, &c.Name, &c.UseCount, &last); err != nil {
			return nil, fmt.Errorf("store: search contacts of user %d: %w", userID, unavailable(err))
		}
		c.LastUsed = fromMillis(last)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search contacts of user %d: %w", userID, unavailable(err))
	}
	return out, nil
}
