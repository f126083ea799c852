package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// ErrLockHeld means another connection holds the named lock.
var ErrLockHeld = errors.New("store: lock held by another instance")

// ErrLockLost means a lock this process held is no longer its own: its
// connection dropped, and the server released the lock.
var ErrLockLost = errors.New("store: lock lost")

// lockIdleTimeout is the wait_timeout of a lock's connection: the server
// drops it, and frees the lock, when its holder has not checked it for
// this long (a hung process, a vanished host). Holders check far more
// often. A killed process frees its lock at once: its socket closes.
const lockIdleTimeout = 10 * time.Second

// Lock is a MySQL/MariaDB named lock (GET_LOCK) held by a connection of
// its own for as long as the lock is held.
type Lock struct {
	name string
	conn *sql.Conn
}

// TryLock takes the named lock without waiting, or returns ErrLockHeld.
// Named locks exist on MySQL and MariaDB only.
func (db *DB) TryLock(ctx context.Context, name string) (*Lock, error) {
	if db.dialect != MySQL {
		return nil, errors.New("store: named locks need MySQL or MariaDB")
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", name, unavailable(err))
	}
	l := &Lock{name: name, conn: conn}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("SET SESSION wait_timeout = %d", int(lockIdleTimeout.Seconds()))); err != nil {
		l.discard()
		return nil, fmt.Errorf("store: lock %s: %w", name, unavailable(err))
	}
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(?, 0)`, name).Scan(&got); err != nil {
		l.discard()
		return nil, fmt.Errorf("store: lock %s: %w", name, unavailable(err))
	}
	if !got.Valid || got.Int64 != 1 {
		l.discard()
		return nil, fmt.Errorf("store: lock %s: %w", name, ErrLockHeld)
	}
	return l, nil
}

// Check confirms the lock is still held by its connection (and keeps that
// connection from idling out); otherwise it returns an error wrapping
// ErrLockLost or the connection's error.
func (l *Lock) Check(ctx context.Context) error {
	var mine sql.NullInt64
	err := l.conn.QueryRowContext(ctx, `SELECT IS_USED_LOCK(?) = CONNECTION_ID()`, l.name).Scan(&mine)
	if err != nil {
		return fmt.Errorf("store: lock %s: %w", l.name, unavailable(err))
	}
	if !mine.Valid || mine.Int64 != 1 {
		return fmt.Errorf("store: lock %s: %w", l.name, ErrLockLost)
	}
	return nil
}

// Release frees the lock and closes its connection. The connection is
// discarded rather than returned to the pool, so even when RELEASE_LOCK
// cannot be sent the lock dies with it.
func (l *Lock) Release(ctx context.Context) error {
	_, err := l.conn.ExecContext(ctx, `SELECT RELEASE_LOCK(?)`, l.name)
	l.discard()
	if err != nil {
		return fmt.Errorf("store: unlock %s: %w", l.name, err)
	}
	return nil
}

// discard closes the lock's connection for good: returning driver.ErrBadConn
// from Raw makes database/sql close it instead of pooling it.
func (l *Lock) discard() {
	_ = l.conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = l.conn.Close()
}
