package handlers

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/components"
)

// formatSize is a byte count for people: 812 B, 14 KB, 3.2 MB. It is
// written into a buffer on the stack, one string a list row.
func formatSize(n int64) string {
	var buf [24]byte
	var b []byte
	switch {
	case n < 1000:
		b = append(strconv.AppendInt(buf[:0], n, 10), " B"...)
	case n < 1000*1000:
		b = append(strconv.AppendInt(buf[:0], (n+500)/1000, 10), " KB"...)
	case n < 10*1000*1000:
		b = append(strconv.AppendFloat(buf[:0], float64(n)/1e6, 'f', 1, 64), " MB"...)
	default:
		b = append(strconv.AppendInt(buf[:0], (n+500000)/1000000, 10), " MB"...)
	}
	return string(b)
}

// mailTime is a message's date as every page shows it (the list, the
// message, the conversation), made by shownTime so the same mail shows the
// same time everywhere.
type mailTime struct {
	Short string // "14:05" today, "Yesterday", a weekday within a week, else the date
	Long  string // Short with the time of day: "Yesterday, 14:05", for the message header
	Full  string // date and time, for the header and the title (tooltip)
	ISO   string // RFC 3339, for <time datetime>; "" when there is no date
}

// shownTime formats t for a reader in loc at now, in ctx's language:
// relative for recent mail (the time today, "Yesterday", the weekday
// within the last week), the day and month this year, the full date
// before, and the full date and time for a tooltip. Dates in the future
// (a sender's clock ahead) show as dates: "Tuesday" would be read as the
// past one.
func shownTime(ctx context.Context, t, now time.Time, loc *time.Location) mailTime {
	if t.IsZero() {
		noDate := i18n.T(ctx, "(no date)")
		return mailTime{Full: noDate, Long: noDate}
	}
	if loc == nil {
		loc = time.UTC
	}
	t, now = t.In(loc), now.In(loc)
	out := mailTime{Full: i18n.Date(ctx, t, "{weekday}, {month} {day}, {year} {time}"), ISO: t.Format(time.RFC3339)}
	days := daysBetween(t, now)
	switch {
	case days == 0:
		out.Short = t.Format("15:04")
	case days == 1:
		out.Short = i18n.T(ctx, "Yesterday")
	case days > 1 && days < 7:
		out.Short = i18n.Weekday(ctx, t.Weekday())
	case t.Year() == now.Year() && days > 0:
		out.Short = i18n.Date(ctx, t, "{month} {day}")
	default:
		out.Short = i18n.Date(ctx, t, "{month} {day}, {year}")
	}
	out.Long = out.Short
	if days != 0 {
		var buf [48]byte
		out.Long = string(t.AppendFormat(append(append(buf[:0], out.Short...), ", "...), "15:04"))
	}
	return out
}

// daysBetween counts the calendar days from t to now in their location
// (negative when t is later), so 23:59 yesterday is one day ago even a
// minute later.
func daysBetween(t, now time.Time) int {
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	a := time.Date(y1, m1, d1, 12, 0, 0, 0, time.UTC)
	b := time.Date(y2, m2, d2, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Round(24*time.Hour) / (24 * time.Hour))
}

// addressList shows addresses as people read them: the name when there is
// one, with the address.
func addressList(addrs []app.Address) string {
	parts := make([]string, 0, len(addrs))
	for _, a := range addrs {
		switch {
		case a.Name != "" && a.Email != "":
			parts = append(parts, a.Name+" <"+a.Email+">")
		case a.Email != "":
			parts = append(parts, a.Email)
		case a.Name != "":
			parts = append(parts, a.Name)
		}
	}
	return strings.Join(parts, ", ")
}

// senderName is the short sender shown in lists.
func senderName(addrs []app.Address) string {
	if len(addrs) == 0 {
		return "(unknown sender)"
	}
	if addrs[0].Name != "" {
		return addrs[0].Name
	}
	if addrs[0].Email != "" {
		return addrs[0].Email
	}
	return "(unknown sender)"
}

func subjectOrPlaceholder(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(no subject)"
	}
	return s
}

// folderItems turns the mailbox list into the folder tree view.
func folderItems(boxes []app.Mailbox, current string) []components.Folder {
	out := make([]components.Folder, 0, len(boxes))
	for _, b := range boxes {
		out = append(out, components.Folder{
			Name:       b.DisplayName,
			URL:        mailboxURL(b.Name),
			Unseen:     b.Unseen,
			Depth:      b.Depth,
			Current:    b.Name == current,
			NoSelect:   b.NoSelect,
			Special:    b.SpecialUse,
			Subscribed: b.Subscribed,
		})
	}
	return out
}

// relativeTime says how long before now t was, as people say it, in ctx's
// language: "just now", "5 minutes ago", "3 hours ago", "2 days ago".
func relativeTime(ctx context.Context, t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return i18n.T(ctx, "just now")
	case d < time.Hour:
		return i18n.N(ctx, int(d/time.Minute), "%d minute ago", "%d minutes ago")
	case d < 24*time.Hour:
		return i18n.N(ctx, int(d/time.Hour), "%d hour ago", "%d hours ago")
	default:
		return i18n.N(ctx, int(d/(24*time.Hour)), "%d day ago", "%d days ago")
	}
}
