package mime

import (
	netmail "net/mail"
	"strings"
	"time"
)

// dateLayouts returns the layouts tried in order after net/mail.ParseDate
// gives up; the value has its comments removed and month and day names
// shortened first.
func dateLayouts() []string {
	return []string{
		"2 Jan 2006 15:04:05 -0700",
		"2 Jan 2006 15:04:05 MST",
		"2 Jan 2006 15:04 -0700",
		"2 Jan 06 15:04:05 -0700",
		"2 Jan 2006 15:04:05",
		"Jan 2 15:04:05 2006",
		"Jan 2 2006 15:04:05 -0700",
		"2006-01-02 15:04:05 -0700",
		"2006-01-02T15:04:05Z07:00",
		"2006-01-02 15:04:05",
		"2 Jan 2006",
	}
}

// ParseDate parses a Date header leniently; the zero time means no date.
func ParseDate(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := netmail.ParseDate(v); err == nil {
		return t
	}
	v = normalizeDate(v)
	for _, layout := range dateLayouts() {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// normalizeDate removes comments, the day of the week and commas, and cuts
// long month names to three letters.
func normalizeDate(v string) string {
	var b strings.Builder
	depth := 0
	for _, r := range v {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth > 0:
		case r == ',':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	fields := strings.Fields(b.String())
	out := fields[:0]
	for _, f := range fields {
		if len(f) >= 3 && isLetters(f) {
			prefix := strings.ToLower(f[:3])
			if isWeekday(prefix) {
				continue
			}
			if m := monthAbbrev(prefix); m != "" {
				f = m
			}
		}
		out = append(out, f)
	}
	return strings.Join(out, " ")
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func isWeekday(p string) bool {
	switch p {
	case "mon", "tue", "wed", "thu", "fri", "sat", "sun":
		return true
	}
	return false
}

func monthAbbrev(p string) string {
	for m := time.January; m <= time.December; m++ {
		if strings.EqualFold(m.String()[:3], p) {
			return m.String()[:3]
		}
	}
	return ""
}
