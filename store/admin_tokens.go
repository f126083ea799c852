package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AdminToken is a provisioning API token. Only the SHA-256 of the secret is
// stored: a copy of the database does not let anyone call the API.
type AdminToken struct {
	ID        string // public, shown by `webmail admin-token list` and used to revoke
	Name      string // what the admin called it ("control panel")
	Hash      string // hex SHA-256 of the secret
	CreatedAt time.Time
	RevokedAt time.Time // zero while the token is valid
}

// CreateAdminToken stores a new token.
func (db *DB) CreateAdminToken(ctx context.Context, t AdminToken) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO admin_tokens (id, name, token_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, 0)`,
		t.ID, t.Name, t.Hash, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("store: admin token: %w", unavailable(err))
	}
	return nil
}

// AdminTokens lists every token, revoked ones included, oldest first.
func (db *DB) AdminTokens(ctx context.Context) ([]AdminToken, error) {
	rows, err := db.queryRead(ctx, `SELECT id, name, token_hash, created_at, revoked_at FROM admin_tokens ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("store: admin tokens: %w", unavailable(err))
	}
	defer rows.Close()
	var out []AdminToken
	for rows.Next() {
		t, err := scanAdminToken(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: admin tokens: %w", unavailable(err))
	}
	return out, nil
}

// AdminTokenByHash returns the token with that hash, revoked or not, or
// ErrNotFound. Read from the primary: a token revoked a moment ago must
// not pass on a lagging replica.
func (db *DB) AdminTokenByHash(ctx context.Context, hash string) (AdminToken, error) {
	row := db.write.QueryRowContext(ctx, `SELECT id, name, token_hash, created_at, revoked_at FROM admin_tokens WHERE token_hash = ?`, hash)
	t, err := scanAdminToken(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return AdminToken{}, fmt.Errorf("store: admin token: %w", ErrNotFound)
	}
	return t, err
}

// RevokeAdminToken revokes the token with that ID, or returns ErrNotFound
// (also for a token revoked already).
func (db *DB) RevokeAdminToken(ctx context.Context, id string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE admin_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0`, time.Now().UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("store: admin token %s: %w", id, unavailable(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: admin token %s: %w", id, ErrNotFound)
	}
	return nil
}

func scanAdminToken(scan func(...any) error) (AdminToken, error) {
	var t AdminToken
	var created, revoked int64
	if err := scan(&t.ID, &t.Name, &t.Hash, &created, &revoked); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return t, err
		}
		return t, fmt.Errorf("store: admin token: %w", unavailable(err))
	}
	t.CreatedAt = time.UnixMilli(created)
	if revoked != 0 {
		t.RevokedAt = time.UnixMilli(revoked)
	}
	return t, nil
}
