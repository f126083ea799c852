package handlers

import (
	"context"
	"testing"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
)

func TestQuotaView(t *testing.T) {
	english := i18n.WithLocale(context.Background(), i18n.Negotiate("en", ""))
	german := i18n.WithLocale(context.Background(), i18n.Negotiate("de", ""))
	const gib = 1 << 30
	tests := []struct {
		ctx  context.Context
		q    app.Quota
		text string
		full bool
	}{
		{english, app.Quota{Used: 1_250_000, Limit: gib}, "1.2 MB of 1 GB", false},
		{german, app.Quota{Used: 1_250_000, Limit: gib}, "1,2 MB von 1 GB", false},
		{english, app.Quota{Used: 0, Limit: 500 << 20}, "0 B of 500 MB", false},
		{english, app.Quota{Used: 860 << 10, Limit: 2 * gib}, "860 KB of 2 GB", false},
		{english, app.Quota{Used: gib / 10 * 9, Limit: gib}, "922 MB of 1 GB", true},
		{english, app.Quota{Used: 3 * gib / 2, Limit: gib}, "1.5 GB of 1 GB", true},
	}
	for _, tt := range tests {
		got := quotaView(tt.ctx, tt.q)
		if got.Text != tt.text || got.Full != tt.full || got.Limit != tt.q.Limit {
			t.Errorf("%+v: %q full %v, want %q full %v", tt.q, got.Text, got.Full, tt.text, tt.full)
		}
	}
	if got := quotaView(english, app.Quota{Used: 5000}); got.Limit != 0 || got.Text != "" {
		t.Errorf("a quota without a limit shows %+v, want nothing", got)
	}
}
