package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxPreparedStatements bounds the statement cache. The queries are
// constants in this package, far fewer than this; a query built with a
// varying number of placeholders past the bound just runs unprepared.
const maxPreparedStatements = 256

// stmtCache keeps one prepared statement per pool and query text, so the
// reads every request makes (the session, the user's settings) are parsed
// and planned once per connection instead of on every call: SQLite's
// parser was 70% of a session read. database/sql prepares a statement
// again on each connection of the pool as it is used there, and after a
// reconnect.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[stmtKey]*sql.Stmt
}

type stmtKey struct {
	pool  *sql.DB
	query string
}

// queryRowOn runs a single-row query on pool with a cached statement,
// unprepared when the cache is full or preparing failed (the query then
// reports the error itself).
func (db *DB) queryRowOn(ctx context.Context, pool *sql.DB, query string, args ...any) *sql.Row {
	if stmt := db.stmts.get(ctx, pool, query); stmt != nil {
		return stmt.QueryRowContext(ctx, args...)
	}
	return pool.QueryRowContext(ctx, query, args...)
}

// queryOn is queryRowOn for many rows.
func (db *DB) queryOn(ctx context.Context, pool *sql.DB, query string, args ...any) (*sql.Rows, error) {
	if stmt := db.stmts.get(ctx, pool, query); stmt != nil {
		return stmt.QueryContext(ctx, args...)
	}
	return pool.QueryContext(ctx, query, args...)
}

func (c *stmtCache) get(ctx context.Context, pool *sql.DB, query string) *sql.Stmt {
	key := stmtKey{pool, query}
	c.mu.Lock()
	stmt, ok := c.stmts[key]
	full := len(c.stmts) >= maxPreparedStatements
	c.mu.Unlock()
	if ok || full {
		return stmt
	}
	stmt, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stmts == nil {
		c.stmts = map[stmtKey]*sql.Stmt{}
	}
	if kept, raced := c.stmts[key]; raced {
		stmt.Close()
		return kept
	}
	c.stmts[key] = stmt
	return stmt
}

// close closes every statement, before the pools are closed.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, stmt := range c.stmts {
		stmt.Close()
		delete(c.stmts, key)
	}
}
