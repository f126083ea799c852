package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// User is someone who has logged in at least once.
type User struct {
	ID          int64
	Email       string
	CreatedAt   time.Time
	LastLoginAt time.Time
}

// RecordLogin creates the user on first login and stamps the login time.
func (db *DB) RecordLogin(ctx context.Context, email string) (User, error) {
	t := now()
	res, err := db.write.ExecContext(ctx, `UPDATE users SET last_login_at = ? WHERE email = ?`, t, email)
	if err != nil {
		return User{}, fmt.Errorf("store: record login: %w", unavailable(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		_, err = db.write.ExecContext(ctx, `INSERT INTO users (email, created_at, last_login_at) VALUES (?, ?, ?)`, email, t, t)
		if err != nil && !isDuplicate(err) {
			return User{}, fmt.Errorf("store: record login: %w", unavailable(err))
		}
	}
	return db.userBy(ctx, db.write, email)
}

// userQuery reads one user by login.
const userQuery = `SELECT id, email, created_at, last_login_at FROM users WHERE email = ?`

// UserByEmail reads a user, from a replica when there is one (the primary
// when ctx asks for read-your-writes, see WithPrimaryReads).
func (db *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	if err := db.queryRowRead(ctx, func(row *sql.Row) error { return scanUser(row, &u) }, userQuery, email); err != nil {
		return User{}, userError(email, err)
	}
	return u, nil
}

// userBy reads a user from pool, without falling back to another.
func (db *DB) userBy(ctx context.Context, pool *sql.DB, email string) (User, error) {
	var u User
	if err := scanUser(pool.QueryRowContext(ctx, userQuery, email), &u); err != nil {
		return User{}, userError(email, err)
	}
	return u, nil
}

// userError wraps a failed user read, not-found as ErrNotFound.
func userError(email string, err error) error {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: user %s: %w", email, ErrNotFound)
	default:
		return fmt.Errorf("store: user %s: %w", email, err)
	}
}
func scanUser(row *sql.Row, u *User) error {
	var created, last int64
	if err := row.Scan(&u.ID, &u.Email, &created, &last); err != nil {
		return err
	}
	u.CreatedAt = time.Unix(created, 0)
	u.LastLoginAt = time.Unix(last, 0)
	return nil
}
