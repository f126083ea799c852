package i18n

import (
	"context"
	"testing"
	"time"
)

func inLang(code string) context.Context {
	return WithLocale(context.Background(), Negotiate("", code))
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		accept, setting, want string
	}{
		{"", "", "en"},
		{"de-DE,de;q=0.9,en;q=0.8", "", "de"},
		{"fr-FR,fr;q=0.9", "", "en"},
		{"fr;q=0.9,de;q=0.5", "", "de"},
		{"de-AT", "", "de"},
		{"ar-EG,ar;q=0.9", "", "ar"},
		{"en-GB,en;q=0.9,de;q=0.8", "", "en"},
		{"de", "en", "en"},
		{"en", "de", "de"},
		{"de", "xx", "de"},
		{"garbage;;;q=x", "", "en"},
	}
	for _, tt := range tests {
		if got := Negotiate(tt.accept, tt.setting).Lang(); got != tt.want {
			t.Errorf("Negotiate(%q, %q) = %s, want %s", tt.accept, tt.setting, got, tt.want)
		}
	}
}

func TestT(t *testing.T) {
	if got := T(inLang("de"), "Monday"); got != "Montag" {
		t.Errorf("German Monday = %q", got)
	}
	if got := T(inLang("en"), "Monday"); got != "Monday" {
		t.Errorf("English Monday = %q", got)
	}
	if got := T(context.Background(), "Monday"); got != "Monday" {
		t.Errorf("no locale: %q, want English", got)
	}
	if got := T(inLang("de"), "a key no catalog has: %d%%", 5); got != "a key no catalog has: 5%" {
		t.Errorf("missing key = %q, want the English formatted", got)
	}
	if got := T(inLang("de"), "100% sure"); got != "100% sure" {
		t.Errorf("a %% without args = %q", got)
	}
}

func TestN(t *testing.T) {
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "1 message"},
		{"en", 0, "0 messages"},
		{"en", 2, "2 messages"},
		{"en", 1234, "1,234 messages"},
		{"de", 1, "1 Nachricht"},
		{"de", 3, "3 Nachrichten"},
		{"de", 1234, "1.234 Nachrichten"},
		{"ar", 0, "لا رسائل"},
		{"ar", 1, "رسالة واحدة"},
		{"ar", 2, "رسالتان"},
	}
	for _, tt := range tests {
		if got := N(inLang(tt.lang), tt.n, "%d message", "%d messages"); got != tt.want {
			t.Errorf("%s N(%d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
	// Arabic "few" (3-10) and "many" (11-99) are forms English lacks.
	few, many := N(inLang("ar"), 3, "%d message", "%d messages"), N(inLang("ar"), 11, "%d message", "%d messages")
	if few == many {
		t.Errorf("Arabic 3 and 11 share a form: %q", few)
	}
}

func TestNumbers(t *testing.T) {
	if got := Number(inLang("de"), 1234567); got != "1.234.567" {
		t.Errorf("German number = %q", got)
	}
	if got := Number(inLang("en"), 1234567); got != "1,234,567" {
		t.Errorf("English number = %q", got)
	}
	if got := Decimal(inLang("de"), 3.25, 1); got != "3,2" && got != "3,3" {
		t.Errorf("German decimal = %q", got)
	}
}

func TestDate(t *testing.T) {
	d := time.Date(2026, time.December, 7, 9, 5, 0, 0, time.UTC)
	tests := []struct {
		lang, pattern, want string
	}{
		{"en", "{month} {day}", "Dec 7"},
		{"de", "{month} {day}", "7. Dez."},
		{"de", "{month} {day}, {year}", "7. Dez. 2026"},
		{"de", "{weekday}, {month} {day}, {year} {time}", "Mo., 7. Dez. 2026, 09:05"},
		{"en", "{weekday}, {month} {day}, {year} {time}", "Mon, Dec 7, 2026 09:05"},
		{"ar", "{month} {day}", "7 ديسمبر"},
		{"en", "{year}-{mm}-{dd}", "2026-12-07"},
		{"en", "{nonsense}", "{nonsense}"},
	}
	for _, tt := range tests {
		if got := Date(inLang(tt.lang), d, tt.pattern); got != tt.want {
			t.Errorf("%s Date(%q) = %q, want %q", tt.lang, tt.pattern, got, tt.want)
		}
	}
}

func TestDirAndLanguages(t *testing.T) {
	if Dir(inLang("ar")) != "rtl" || Dir(inLang("de")) != "ltr" || Lang(inLang("de")) != "de" {
		t.Errorf("ar dir %s, de dir %s, de lang %s", Dir(inLang("ar")), Dir(inLang("de")), Lang(inLang("de")))
	}
	langs := Languages()
	if len(langs) < 3 || langs[0].Code != "en" {
		t.Fatalf("Languages() = %v, want English first and at least de, ar", langs)
	}
	names := map[string]string{}
	for _, l := range langs {
		names[l.Code] = l.Name
	}
	if names["de"] != "Deutsch" || !Supported("ar") || Supported("xx") {
		t.Errorf("languages %v", names)
	}
}

func TestSize(t *testing.T) {
	tests := []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 1, "1 byte"},
		{"en", 812, "812 bytes"},
		{"de", 812, "812 Bytes"},
		{"en", 25 << 20, "25 MB"},
		{"en", 3355443, "3.2 MB"},
		{"de", 3355443, "3,2 MB"},
		{"en", 14 * 1024, "14 KB"},
		{"en", 1 << 30, "1 GB"},
	}
	for _, tt := range tests {
		if got := Size(inLang(tt.lang), tt.n); got != tt.want {
			t.Errorf("%s Size(%d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestTextArguments(t *testing.T) {
	args := []any{Text("Monday"), Text("no such key"), 3}
	if got := T(inLang("de"), "%s, %s, %d", args...); got != "Montag, no such key, 3" {
		t.Errorf("translated arguments: %q", got)
	}
	if args[0] != Text("Monday") {
		t.Errorf("the caller's arguments changed: %v", args)
	}
}
