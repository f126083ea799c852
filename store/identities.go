package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Identity is a From address a user may send as, with what goes with it.
// The login address is the user's first identity (EnsureDefaultIdentity).
type Identity struct {
	ID            int64
	UserID        int64
	Email         string
	Name          string // display name, may be empty
	ReplyTo       string // addresses for Reply-To, as typed; may be empty
	Bcc           string // addresses always Bcc'd, as typed; may be empty
	SignatureText string
	SignatureHTML string
	Position      int // list order, lowest first
	Created       time.Time
	Updated       time.Time
}

// ErrInvalidIdentity reports an identity without an address or with a
// field too long for its column.
var ErrInvalidIdentity = errors.New("store: identity address empty or a field too long")

// Column sizes of identities.
const (
	maxIdentityEmail     = 320
	maxIdentityName      = 255
	maxIdentityAddrList  = 1024
	maxIdentitySignature = 65535
)

func validIdentity(id Identity) bool {
	return strings.TrimSpace(id.Email) != "" && len(id.Email) <= maxIdentityEmail &&
		len(id.Name) <= maxIdentityName && len(id.ReplyTo) <= maxIdentityAddrList &&
		len(id.Bcc) <= maxIdentityAddrList && len(id.SignatureText) <= maxIdentitySignature &&
		len(id.SignatureHTML) <= maxIdentitySignature
}

const identityColumns = `id, user_id, email, name, reply_to, bcc, signature_text, signature_html, position, created_at, updated_at`

func scanIdentity(scan func(...any) error) (Identity, error) {
	var id Identity
	var created, updated int64
	err := scan(&id.ID, &id.UserID, &id.Email, &id.Name, &id.ReplyTo, &id.Bcc,
		&id.SignatureText, &id.SignatureHTML, &id.Position, &created, &updated)
	id.Created, id.Updated = fromMillis(created), fromMillis(updated)
	return id, err
}

// Identities lists the user's identities by position. It reads a replica
// (the primary when ctx asks for read-your-writes, see WithPrimaryReads).
func (db *DB) Identities(ctx context.Context, userID int64) ([]Identity, error) {
	rows, err := db.queryRead(ctx, `SELECT `+identityColumns+` FROM identities WHERE user_id = ? ORDER BY position, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: identities of user %d: %w", userID, unavailable(err))
	}
	ids, err := collectIdentities(rows)
	if err != nil {
		return nil, fmt.Errorf("store: identities of user %d: %w", userID, unavailable(err))
	}
	return ids, nil
}

func collectIdentities(rows *sql.Rows) ([]Identity, error) {
	defer rows.Close()
	var ids []Identity
	for rows.Next() {
		id, err := scanIdentity(rows.Scan)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Identity reads one identity of the user; another user's identity is
// ErrNotFound. It reads like Identities.
func (db *DB) Identity(ctx context.Context, id, userID int64) (Identity, error) {
	var out Identity
	err := db.queryRowRead(ctx, func(row *sql.Row) error {
		var err error
		out, err = scanIdentity(row.Scan)
		return err
	}, `SELECT `+identityColumns+` FROM identities WHERE id = ? AND user_id = ?`, id, userID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Identity{}, fmt.Errorf("store: identity %d: %w", id, ErrNotFound)
	case err != nil:
		return Identity{}, fmt.Errorf("store: identity %d: %w", id, unavailable(err))
	}
	return out, nil
}

// CreateIdentity adds an identity after the user's others (its Position
// is ignored) and returns it with its ID.
func (db *DB) CreateIdentity(ctx context.Context, id Identity) (Identity, error) {
	if !validIdentity(id) {
		return Identity{}, fmt.Errorf("store: create identity for user %d: %w", id.UserID, ErrInvalidIdentity)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return Identity{}, fmt.Errorf("store: create identity for user %d: %w", id.UserID, unavailable(err))
	}
	defer tx.Rollback()
	if err := db.lockUser(ctx, tx, id.UserID); err != nil {
		return Identity{}, fmt.Errorf("store: create identity for user %d: %w", id.UserID, err)
	}
	created, err := insertIdentity(ctx, tx, id)
	if err != nil {
		return Identity{}, fmt.Errorf("store: create identity for user %d: %w", id.UserID, unavailable(err))
	}
	if err := tx.Commit(); err != nil {
		return Identity{}, fmt.Errorf("store: create identity for user %d: %w", id.UserID, unavailable(err))
	}
	return created, nil
}

// lockUser locks the user's row until tx ends, so that writers of the
// user's identities take turns (SQLite's write transactions take turns
// already). ErrNotFound when there is no such user.
func (db *DB) lockUser(ctx context.Context, tx *sql.Tx, userID int64) error {
	query := `SELECT id FROM users WHERE id = ?`
	if db.dialect == MySQL {
		query += ` FOR UPDATE`
	}
	var got int64
	err := tx.QueryRowContext(ctx, query, userID).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("user %d: %w", userID, ErrNotFound)
	}
	return unavailable(err)
}

// insertIdentity appends id to the user's identities, inside a transaction
// that holds lockUser.
func insertIdentity(ctx context.Context, tx *sql.Tx, id Identity) (Identity, error) {
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position) + 1, 0) FROM identities WHERE user_id = ?`, id.UserID).Scan(&id.Position); err != nil {
		return Identity{}, err
	}
	t := time.Now()
	res, err := tx.ExecContext(ctx, `INSERT INTO identities (user_id, email, name, reply_to, bcc, signature_text, signature_html, position, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id.UserID, strings.TrimSpace(id.Email), id.Name, id.ReplyTo, id.Bcc,
		id.SignatureText, id.SignatureHTML, id.Position, t.UnixMilli(), t.UnixMilli())
	if err != nil {
		return Identity{}, err
	}
	if id.ID, err = res.LastInsertId(); err != nil {
		return Identity{}, err
	}
	id.Email = strings.TrimSpace(id.Email)
	id.Created, id.Updated = fromMillis(t.UnixMilli()), fromMillis(t.UnixMilli())
	return id, nil
}

// UpdateIdentity replaces every field of the user's identity id.ID but its
// owner and creation time; another user's identity is ErrNotFound.
func (db *DB) UpdateIdentity(ctx context.Context, id Identity) error {
	if !validIdentity(id) {
		return fmt.Errorf("store: identity %d: %w", id.ID, ErrInvalidIdentity)
	}
	res, err := db.write.ExecContext(ctx, `UPDATE identities SET email = ?, name = ?, reply_to = ?, bcc = ?,
		signature_text = ?, signature_html = ?, position = ?, updated_at = ? WHERE id = ? AND user_id = ?`,
		strings.TrimSpace(id.Email), id.Name, id.ReplyTo, id.Bcc, id.SignatureText, id.SignatureHTML,
		id.Position, time.Now().UnixMilli(), id.ID, id.UserID)
	if err != nil {
		return fmt.Errorf("store: identity %d: %w", id.ID, unavailable(err))
	}
	if err := db.changedOrMissing(ctx, res, `SELECT 1 FROM identities WHERE id = ? AND user_id = ?`, id.ID, id.UserID); err != nil {
		return fmt.Errorf("store: identity %d: %w", id.ID, err)
	}
	return nil
}

// changedOrMissing returns nil when res changed a row, and otherwise
// ErrNotFound unless the row exists (MySQL counts only rows an UPDATE
// changed, so an update that wrote the same values matched 0).
func (db *DB) changedOrMissing(ctx context.Context, res sql.Result, existsQuery string, args ...any) error {
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		return nil
	}
	var one int
	err := db.write.QueryRowContext(ctx, existsQuery, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return unavailable(err)
}

// DeleteIdentity deletes the user's identity; another user's identity is
// ErrNotFound. Whether the last one may go is the caller's rule:
// EnsureDefaultIdentity brings the login address back.
func (db *DB) DeleteIdentity(ctx context.Context, id, userID int64) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM identities WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("store: delete identity %d: %w", id, unavailable(err))
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("store: delete identity %d: %w", id, ErrNotFound)
	}
	return nil
}

// EnsureDefaultIdentity gives a user who has no identity one for the login
// address, and returns the user's identities by position, read from the
// primary. It is safe to call on every compose: instances calling it at
// once for the same user create one identity, because each holds the
// user's row locked while it looks and inserts.
func (db *DB) EnsureDefaultIdentity(ctx context.Context, user User) ([]Identity, error) {
	fail := func(err error) ([]Identity, error) {
		return nil, fmt.Errorf("store: default identity of user %d: %w", user.ID, err)
	}
	ids, err := db.primaryIdentities(ctx, db.write, user.ID)
	if err != nil {
		return fail(unavailable(err))
	}
	if len(ids) > 0 {
		return ids, nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fail(unavailable(err))
	}
	defer tx.Rollback()
	if err := db.lockUser(ctx, tx, user.ID); err != nil {
		return fail(err)
	}
	var count int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM identities WHERE user_id = ?`, user.ID).Scan(&count); err != nil {
		return fail(unavailable(err))
	}
	if count == 0 {
		if _, err := insertIdentity(ctx, tx, Identity{UserID: user.ID, Email: user.Email}); err != nil {
			return fail(unavailable(err))
		}
	}
	if ids, err = db.primaryIdentities(ctx, tx, user.ID); err != nil {
		return fail(unavailable(err))
	}
	if err := tx.Commit(); err != nil {
		return fail(unavailable(err))
	}
	return ids, nil
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// primaryIdentities lists identities through q, never a replica.
func (db *DB) primaryIdentities(ctx context.Context, q querier, userID int64) ([]Identity, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+identityColumns+` FROM identities WHERE user_id = ? ORDER BY position, id`, userID)
	if err != nil {
		return nil, err
	}
	return collectIdentities(rows)
}
