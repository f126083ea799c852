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
	if t, ok := parseCommonDate(v); ok {
		return t
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

// parseCommonDate parses the form nearly every mailer writes, "Mon, 2 Jan
// 2006 15:04:05 -0700" (day of the week and seconds optional), with the one
// layout it has. net/mail.ParseDate tries a dozen layouts in order, and each
// that fails allocates its error: for the usual form that was 8% of the
// webmail's CPU on a list page. ok is false for any other form.
func parseCommonDate(v string) (t time.Time, ok bool) {
	rest, weekday := v, false
	if len(rest) > 5 && rest[3] == ',' && rest[4] == ' ' && weekdayAbbrev(rest[:3]) {
		rest, weekday = rest[5:], true
	}
	var fields [5]string
	for i := range fields {
		var found bool
		fields[i], rest, found = strings.Cut(rest, " ")
		if found != (i < len(fields)-1) {
			return time.Time{}, false
		}
	}
	day, month, year, clock, zone := fields[0], fields[1], fields[2], fields[3], fields[4]
	if len(day) < 1 || len(day) > 2 || !isDigits(day) || len(month) != 3 || monthAbbrev(month) != month ||
		len(year) != 4 || !isDigits(year) || len(zone) != 5 || (zone[0] != '+' && zone[0] != '-') || !isDigits(zone[1:]) {
		return time.Time{}, false
	}
	var layout string // constants: building one would allocate
	switch seconds := len(clock) == 8 && clock[5] == ':'; {
	case !seconds && len(clock) != 5, clock[2] != ':':
		return time.Time{}, false
	case weekday && seconds:
		layout = "Mon, 2 Jan 2006 15:04:05 -0700"
	case weekday:
		layout = "Mon, 2 Jan 2006 15:04 -0700"
	case seconds:
		layout = "2 Jan 2006 15:04:05 -0700"
	default:
		layout = "2 Jan 2006 15:04 -0700"
	}
	t, err := time.Parse(layout, v)
	return t, err == nil
}

// weekdayAbbrev reports "Mon" to "Sun" as time.Parse reads them.
func weekdayAbbrev(s string) bool {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if d.String()[:3] == s {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
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
