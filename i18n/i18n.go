// Package i18n translates the user interface: every user-facing string is
// written in English in the code, as the key, and looked up in the catalog
// of the request's language (embedded JSON files under locales/, one file
// per area of the UI and per language). The language travels in the
// request's context, so templates write { i18n.T(ctx, "Archive") }.
//
// A string missing from a catalog falls back to English (the key itself),
// never to an empty string; the catalog check test (catalog_check_test.go)
// fails `make test` when German lacks a string the code uses.
package i18n

import (
	"context"
	"strings"
)

// T translates key, an English text, into the language of ctx. With args,
// the translation is a format (fmt verbs, %[2]s to reorder) filled in with
// numbers written the language's way (1,234 / 1.234); without args it is
// returned as it is, so a "%" in a key needs no escaping.
func T(ctx context.Context, key string, args ...any) string {
	loc := FromContext(ctx)
	return loc.format(loc.lookup(key).other(key), args)
}

// N translates a text that depends on a count n: one is the English
// singular ("%d message"), other the English plural ("%d messages") and the
// catalog key. The language's plural rules pick the form (German has two,
// Arabic six: zero, one, two, few, many, other). Without args the format
// gets n alone.
func N(ctx context.Context, n int, one, other string, args ...any) string {
	loc := FromContext(ctx)
	text := loc.plural(n, one, other)
	if len(args) == 0 {
		args = []any{n}
	}
	return loc.format(text, args)
}

// format fills text's verbs with args. A text without verbs is returned as
// it is: a plural form may say "eine Nachricht" instead of "%d Nachricht",
// and a "%" in a text without args needs no escaping.
func (l *Locale) format(text string, args []any) string {
	if len(args) == 0 || !strings.Contains(text, "%") {
		return text
	}
	copied := false
	for i, a := range args {
		if key, ok := a.(Text); ok {
			if !copied {
				args, copied = append([]any(nil), args...), true // the caller's slice stays as it was
			}
			args[i] = l.lookup(string(key)).other(string(key))
		}
	}
	if filled, ok := fillStrings(text, args); ok {
		return filled
	}
	return l.printer.Sprintf(text, args...)
}

// Text is an argument of T or N that is itself a catalog key, translated
// before it fills the format: a field name or a reason put together into
// an error message far from the request (T(ctx, "%s: %s.",
// i18n.Text("To"), i18n.Text("the address is missing"))).
type Text string

// Mark returns key unchanged. It marks a string that is translated later
// with T from a variable (an error message made where there is no request
// context), so the catalog check still finds it and demands a translation.
func Mark(key string) string { return key }
