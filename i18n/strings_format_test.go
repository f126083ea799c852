package i18n

import (
	"strings"
	"testing"
)

// TestFillStringsMatchesPrinter: where fillStrings takes a format, it
// writes what the printer writes; what it declines is left to the printer.
func TestFillStringsMatchesPrinter(t *testing.T) {
	tests := []struct {
		text  string
		args  []any
		takes bool
	}{
		{"Select “%s” from %s", []any{"Lunch", "Ann"}, true},
		{"„%s“ von %s auswählen", []any{"Mittag", "Ann"}, true},
		{"%[2]s: “%[1]s”", []any{"Lunch", "Ann"}, true},
		{"%[2]s then %s", []any{"a", "b", "c"}, false}, // %s after %[2]s takes the third, the first is unused
		{"%[2]s, %[1]s, %s", []any{"a", "b"}, true},
		{"%[3]s %[2]s %[1]s", []any{"a", "b", "c"}, true},
		{"100%% of %s", []any{"it"}, true},
		{"%s", []any{"%d %s %[1]s"}, true}, // an argument's own % signs are text
		{"%s", []any{""}, true},
		{"no verbs", []any{"extra"}, false},
		{"%s and %s", []any{"one"}, false},
		{"%s", []any{"one", "two"}, false},
		{"%d", []any{"one"}, false},
		{"%s", []any{3}, false},
		{"%5s", []any{"one"}, false},
		{"%-s", []any{"one"}, false},
		{"%q", []any{"one"}, false},
		{"%v", []any{"one"}, false},
		{"trailing %", []any{"one"}, false},
		{"%[0]s", []any{"one"}, false},
		{"%[4]s", []any{"one"}, false},
		{"%[x]s", []any{"one"}, false},
		{"%[1]d", []any{"one"}, false},
		{"%[]s", []any{"one"}, false},
		{"%[1s", []any{"one"}, false},
	}
	for _, lang := range []string{"en", "de", "ar"} {
		loc := Negotiate("", lang)
		for _, tt := range tests {
			got, ok := fillStrings(tt.text, tt.args)
			if ok != tt.takes {
				t.Errorf("fillStrings(%q, %q) took it: %v, want %v", tt.text, tt.args, ok, tt.takes)
			}
			if want := loc.printer.Sprintf(tt.text, tt.args...); ok && got != want {
				t.Errorf("%s: fillStrings(%q, %q) = %q, the printer %q", lang, tt.text, tt.args, got, want)
			}
		}
	}
}

// TestFillStringsOnEveryCatalogText: every translation whose verbs are all
// %s comes out of fillStrings as the printer writes it.
func TestFillStringsOnEveryCatalogText(t *testing.T) {
	args := []any{"first", "second", "third", "fourth", "fifth"}
	for _, lang := range []string{"en", "de", "ar"} {
		loc := Negotiate("", lang)
		taken := 0
		for key, e := range mergedCatalog(t, lang) {
			for _, text := range e.forms {
				verbs := strings.Count(strings.ReplaceAll(text, "%%", ""), "%")
				if verbs == 0 || verbs > len(args) {
					continue
				}
				got, ok := fillStrings(text, args[:verbs])
				if !ok {
					continue
				}
				taken++
				if want := loc.printer.Sprintf(text, args[:verbs]...); got != want {
					t.Errorf("%s %q: fillStrings = %q, the printer %q", lang, key, got, want)
				}
			}
		}
		if lang == "de" && taken == 0 {
			t.Error("no German translation went through fillStrings: its parser is broken")
		}
	}
}
