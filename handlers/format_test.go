package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/i18n"
)

func TestRelativeTime(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		ago  time.Duration
		want string
	}{
		{0, "just now"},
		{59 * time.Second, "just now"},
		{time.Minute, "1 minute ago"},
		{5*time.Minute + 30*time.Second, "5 minutes ago"},
		{time.Hour, "1 hour ago"},
		{23*time.Hour + 59*time.Minute, "23 hours ago"},
		{24 * time.Hour, "1 day ago"},
		{3 * 24 * time.Hour, "3 days ago"},
		{-time.Minute, "just now"}, // another instance's clock a little ahead
	}
	for _, tt := range tests {
		if got := relativeTime(context.Background(), now.Add(-tt.ago), now); got != tt.want {
			t.Errorf("relativeTime(%v ago) = %q, want %q", tt.ago, got, tt.want)
		}
	}
}

func TestShownTime(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	en := context.Background()
	// Wednesday 4 March 2026, 10:00 in Berlin (09:00 UTC).
	now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		t     time.Time
		loc   *time.Location
		short string
		full  string
	}{
		{"today", time.Date(2026, 3, 4, 7, 5, 0, 0, time.UTC), berlin, "08:05", "Wed, Mar 4, 2026 08:05"},
		{"today in Berlin, yesterday in UTC", time.Date(2026, 3, 3, 23, 30, 0, 0, time.UTC), berlin, "00:30", "Wed, Mar 4, 2026 00:30"},
		{"same instant in UTC", time.Date(2026, 3, 3, 23, 30, 0, 0, time.UTC), time.UTC, "Yesterday", "Tue, Mar 3, 2026 23:30"},
		{"sender's zone ignored", time.Date(2026, 3, 4, 1, 5, 0, 0, time.FixedZone("", -7*3600)), berlin, "09:05", "Wed, Mar 4, 2026 09:05"},
		{"yesterday", time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC), berlin, "Yesterday", "Tue, Mar 3, 2026 13:00"},
		{"within a week", time.Date(2026, 2, 26, 12, 0, 0, 0, time.UTC), berlin, "Thursday", "Thu, Feb 26, 2026 13:00"},
		{"a week ago", time.Date(2026, 2, 25, 12, 0, 0, 0, time.UTC), berlin, "Feb 25", "Wed, Feb 25, 2026 13:00"},
		{"last year", time.Date(2025, 12, 30, 12, 0, 0, 0, time.UTC), berlin, "Dec 30, 2025", "Tue, Dec 30, 2025 13:00"},
		{"tomorrow (a clock ahead)", time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC), berlin, "Mar 5, 2026", "Thu, Mar 5, 2026 13:00"},
		{"no zone means UTC", time.Date(2026, 3, 4, 7, 5, 0, 0, time.UTC), nil, "07:05", "Wed, Mar 4, 2026 07:05"},
	}
	for _, tt := range tests {
		got := shownTime(en, tt.t, now, tt.loc)
		if got.Short != tt.short || got.Full != tt.full {
			t.Errorf("%s: shownTime = %q / %q, want %q / %q", tt.name, got.Short, got.Full, tt.short, tt.full)
		}
		wantLong := tt.short
		if !strings.Contains(tt.short, ":") {
			wantLong += ", " + tt.full[len(tt.full)-5:]
		}
		if got.Long != wantLong {
			t.Errorf("%s: Long = %q, want %q", tt.name, got.Long, wantLong)
		}
		if got.ISO == "" {
			t.Errorf("%s: no ISO time", tt.name)
		}
	}
	if got := shownTime(en, time.Time{}, now, berlin); got.Short != "" || got.ISO != "" || got.Full != "(no date)" || got.Long != "(no date)" {
		t.Errorf("zero time = %+v", got)
	}

	// In German: the words and the order of the date's parts.
	de := i18n.WithLocale(context.Background(), i18n.Negotiate("de", ""))
	for _, tt := range []struct {
		t     time.Time
		short string
	}{
		{time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC), "Gestern"},
		{time.Date(2026, 2, 26, 12, 0, 0, 0, time.UTC), "Donnerstag"},
		{time.Date(2026, 2, 25, 12, 0, 0, 0, time.UTC), "25. Feb."},
		{time.Date(2025, 12, 30, 12, 0, 0, 0, time.UTC), "30. Dez. 2025"},
	} {
		if got := shownTime(de, tt.t, now, berlin).Short; got != tt.short {
			t.Errorf("German %v: %q, want %q", tt.t, got, tt.short)
		}
	}
	if got := shownTime(de, time.Date(2026, 2, 25, 12, 0, 0, 0, time.UTC), now, berlin).Full; got != "Mi., 25. Feb. 2026, 13:00" {
		t.Errorf("German full date %q", got)
	}
}
