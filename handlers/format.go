package handlers

import (
	"fmt"
	"strings"
	"time"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/templates/components"
)

// formatSize is a byte count for people: 812 B, 14 KB, 3.2 MB.
func formatSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	case n < 10*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	default:
		return fmt.Sprintf("%d MB", (n+500000)/1000000)
	}
}

// listDate is a short date for the message list: the time today, the day
// this year, the full date before.
func listDate(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(now.Location())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return t.Format("15:04")
	case y1 == y2:
		return t.Format("Jan 2")
	default:
		return t.Format("2006-01-02")
	}
}

func fullDate(t time.Time) string {
	if t.IsZero() {
		return "(no date)"
	}
	return t.Format("Mon, 2 Jan 2006 15:04 -0700")
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

// relativeTime says how long before now t was, as people say it: "just
// now", "5 minutes ago", "3 hours ago", "2 days ago".
func relativeTime(t, now time.Time) string {
	d := now.Sub(t)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit + " ago"
		}
		return fmt.Sprintf("%d %ss ago", n, unit)
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour")
	default:
		return plural(int(d/(24*time.Hour)), "day")
	}
}
