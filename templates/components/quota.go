package components

import "context"

// Quota is the mailbox quota the sidebar shows under the folders.
type Quota struct {
	Used  int64  // bytes
	Limit int64  // bytes; 0: nothing to show
	Text  string // "1.2 MB of 1 GB", in the reader's language
	Full  bool   // nearly full (90 % or more): the bar and text warn
}

type quotaKey struct{}

// WithQuota returns ctx carrying the quota for the folder tree: the
// layout puts it there (from layout.Frame) around the page's body, so
// every page's sidebar shows it without each page passing it on.
func WithQuota(ctx context.Context, q Quota) context.Context {
	return context.WithValue(ctx, quotaKey{}, q)
}

// quotaFrom is the quota in ctx, if there is one to show.
func quotaFrom(ctx context.Context) (Quota, bool) {
	q, _ := ctx.Value(quotaKey{}).(Quota)
	return q, q.Limit > 0
}
