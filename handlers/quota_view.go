package handlers

import (
	"context"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/components"
)

// quotaView is the sidebar's quota: the bar's numbers and "1.2 MB of
// 1 GB". Zero when the server told no limit.
func quotaView(ctx context.Context, q app.Quota) components.Quota {
	if !q.Known() {
		return components.Quota{}
	}
	return components.Quota{
		Used:  q.Used,
		Limit: q.Limit,
		Text:  i18n.T(ctx, "%s of %s", storageSize(ctx, q.Used), storageSize(ctx, q.Limit)),
		Full:  q.Used >= q.Limit/10*9,
	}
}

// storageSize is a quota figure for people, in the units mail servers set
// quotas in (1 GB = 1024³ bytes, as Dovecot's "1G"): "0 B", "840 KB",
// "1.2 MB", "1 GB"; one decimal below 10, none above, and none when it
// would be ".0".
func storageSize(ctx context.Context, n int64) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	value, unit := float64(n), 0
	for value >= 1024 && unit < len(units)-1 {
		value /= 1024
		unit++
	}
	digits := 0
	if unit > 0 && value < 10 && value != float64(int64(value)) {
		digits = 1
	}
	number := i18n.Decimal(ctx, value, digits)
	if digits == 1 && (number[len(number)-1] == '0') {
		number = i18n.Decimal(ctx, value, 0)
	}
	return number + " " + units[unit]
}
