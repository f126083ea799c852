package app

import (
	"context"

	"github.com/webmail/webmail/store"
)

// WithPrimaryReads marks ctx so that the use cases run with it read the
// database primary instead of a replica: read-your-writes for a browser
// that just changed something (the HTTP layer knows when, from its
// cookie), so a replica a moment behind never hides the change.
func WithPrimaryReads(ctx context.Context) context.Context {
	return store.WithPrimaryReads(ctx)
}
