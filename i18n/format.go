package i18n

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Number writes n (an integer or a float) the way ctx's language does:
// 1,234.5 in English, 1.234,5 in German. For counts inside a sentence, use
// T or N with %d instead: they format the same way.
func Number(ctx context.Context, n any) string {
	return FromContext(ctx).printer.Sprint(n)
}

// Decimal writes f with the given number of fraction digits, localized:
// Decimal(ctx, 3.25, 1) is "3.3" in English, "3,3" in German.
func Decimal(ctx context.Context, f float64, digits int) string {
	return FromContext(ctx).printer.Sprintf("%."+strconv.Itoa(digits)+"f", f)
}

// The catalog keys of month and weekday names are Go's English names
// ("December", "Monday") and their first three letters ("Dec", "Mon");
// the catalog check asks German for all of them.

// MonthShort is the abbreviated month name in ctx's language ("Dez.").
func MonthShort(ctx context.Context, m time.Month) string {
	return T(ctx, m.String()[:3])
}

// Month is the month's full name in ctx's language ("Dezember").
func Month(ctx context.Context, m time.Month) string {
	return T(ctx, m.String())
}

// WeekdayShort is the abbreviated weekday in ctx's language ("Mo.").
func WeekdayShort(ctx context.Context, d time.Weekday) string {
	return T(ctx, d.String()[:3])
}

// Weekday is the weekday's full name in ctx's language ("Montag").
func Weekday(ctx context.Context, d time.Weekday) string {
	return T(ctx, d.String())
}

// Date writes t with pattern, an English pattern that is itself a catalog
// key, so each language orders the parts its way: Date(ctx, t, "{month}
// {day}") is "Dec 7" in English and "7. Dez." in German (whose catalog
// maps "{month} {day}" to "{day}. {month}"). The placeholders:
//
//	{day}      day of the month, 7          {year}     2026
//	{month}    short month name, Dec        {monthLong} December
//	{monthNum} month number, 12             {dd} {mm}  07, 12 (two digits)
//	{weekday}  short weekday, Mon           {weekdayLong} Monday
//	{time}     24-hour time, 15:04          {zone}     -0700
//	{zoneName} the zone's abbreviation, CET
//
// t is written in its own location: convert it to the user's time zone
// first. Digits stay ASCII: a date is not a quantity.
func Date(ctx context.Context, t time.Time, pattern string) string {
	loc := FromContext(ctx)
	layout := loc.lookup(pattern).other(pattern)
	// One string made at the end from a buffer on the stack: a list page
	// writes two dates a row.
	var buf [64]byte
	b := buf[:0]
	for {
		open := strings.IndexByte(layout, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(layout[open:], '}')
		if end < 0 {
			break
		}
		b = append(b, layout[:open]...)
		b = loc.appendDatePart(b, t, layout[open+1:open+end])
		layout = layout[open+end+1:]
	}
	return string(append(b, layout...))
}

func (l *Locale) appendDatePart(b []byte, t time.Time, name string) []byte {
	switch name {
	case "day":
		return strconv.AppendInt(b, int64(t.Day()), 10)
	case "dd":
		return t.AppendFormat(b, "02")
	case "month":
		return append(b, l.text(t.Month().String()[:3])...)
	case "monthLong":
		return append(b, l.text(t.Month().String())...)
	case "monthNum":
		return strconv.AppendInt(b, int64(t.Month()), 10)
	case "mm":
		return t.AppendFormat(b, "01")
	case "year":
		return strconv.AppendInt(b, int64(t.Year()), 10)
	case "weekday":
		return append(b, l.text(t.Weekday().String()[:3])...)
	case "weekdayLong":
		return append(b, l.text(t.Weekday().String())...)
	case "time":
		return t.AppendFormat(b, "15:04")
	case "zone":
		return t.AppendFormat(b, "-0700")
	case "zoneName":
		return t.AppendFormat(b, "MST")
	}
	return append(append(append(b, '{'), name...), '}')
}

// text is key translated, with no args: what T returns for it.
func (l *Locale) text(key string) string { return l.lookup(key).other(key) }

// Size writes a byte count for people in ctx's language, in binary units
// as upload limits are counted: "812 bytes", "14 KB", "3.2 MB" ("3,2 MB"
// in German); a whole number drops its ".0".
func Size(ctx context.Context, n int64) string {
	unit := func(f float64) string {
		if f == float64(int64(f)) || f >= 100 {
			return Number(ctx, int64(f+0.5))
		}
		return Decimal(ctx, f, 1)
	}
	switch {
	case n < 1024:
		return N(ctx, int(n), "%d byte", "%d bytes")
	case n < 1<<20:
		return T(ctx, "%s KB", unit(roundTenth(float64(n)/(1<<10))))
	case n < 1<<30:
		return T(ctx, "%s MB", unit(roundTenth(float64(n)/(1<<20))))
	}
	return T(ctx, "%s GB", unit(roundTenth(float64(n)/(1<<30))))
}

func roundTenth(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }
