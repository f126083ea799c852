package store

import (
	"context"
	"database/sql"
)

// Read-your-writes. A replica may be a moment behind the primary, so a user
// who has just saved something could read the old value back from it. The
// HTTP layer marks the context of such a user's requests for a short while
// after each change (the window lives in a cookie, so whichever instance
// serves the next request honours it), and reads made with a marked
// context go to the primary.

type primaryReadsKey struct{}

// WithPrimaryReads returns a context whose reads go to the primary.
func WithPrimaryReads(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryReadsKey{}, true)
}

// PrimaryReads reports whether ctx asks for reads from the primary.
func PrimaryReads(ctx context.Context) bool {
	marked, _ := ctx.Value(primaryReadsKey{}).(bool)
	return marked
}

// ReadFor returns the pool for a read made with ctx: the primary when ctx
// asks for it (WithPrimaryReads), else what Read picks. Every read method
// of the store takes its pool from here.
func (db *DB) ReadFor(ctx context.Context) *sql.DB {
	if PrimaryReads(ctx) {
		return db.write
	}
	return db.Read()
}
