package i18n

import (
	"context"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Locale is one language's translations and number formatting. Locales
// are made once when the catalogs load and never change, so one is shared
// by every request in that language.
type Locale struct {
	tag      language.Tag
	name     string // the language's own name for itself: "Deutsch"
	messages map[string]entry
	script   string           // the script strings as JSON, "" when none (English)
	fallback map[string]entry // English overrides, for keys that need them
	// printer formats numbers the language's way. Its catalog is empty on
	// purpose: T looks translations up itself, and the printer only
	// formats, so a translation is never looked up a second time.
	printer *message.Printer
}

func newLocale(tag language.Tag, name string, messages, fallback map[string]entry) *Locale {
	return &Locale{
		tag:      tag,
		name:     name,
		messages: messages,
		fallback: fallback,
		printer:  message.NewPrinter(tag, message.Catalog(catalog.NewBuilder())),
	}
}

// Lang is the language's BCP 47 code, for <html lang>: "en", "de", "ar".
func (l *Locale) Lang() string { return l.tag.String() }

// Name is the language's name in that language, for a language menu.
func (l *Locale) Name() string { return l.name }

// Dir is the writing direction, for <html dir>: "rtl" or "ltr".
func (l *Locale) Dir() string {
	base, _ := l.tag.Base()
	switch base.String() {
	case "ar", "he", "fa", "ur", "yi":
		return "rtl"
	}
	return "ltr"
}

func (l *Locale) lookup(key string) entry {
	if e, ok := l.messages[key]; ok {
		return e
	}
	if e, ok := l.fallback[key]; ok {
		return e
	}
	return entry{}
}

// plural picks the form for n: the catalog's when it has the key, English
// (one/other) otherwise.
func (l *Locale) plural(n int, one, other string) string {
	if e, ok := l.messages[other]; ok {
		return e.form(plural.Cardinal.MatchPlural(l.tag, abs(n), 0, 0, 0, 0), other)
	}
	if plural.Cardinal.MatchPlural(language.English, abs(n), 0, 0, 0, 0) == plural.One {
		return one
	}
	return other
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

type localeKey struct{}

// WithLocale returns ctx carrying loc, for T and N further down.
func WithLocale(ctx context.Context, loc *Locale) context.Context {
	return context.WithValue(ctx, localeKey{}, loc)
}

// FromContext is the locale ctx carries, English when it carries none (a
// background job, a test rendering a template with context.Background).
func FromContext(ctx context.Context) *Locale {
	if loc, ok := ctx.Value(localeKey{}).(*Locale); ok && loc != nil {
		return loc
	}
	return catalogs().english
}

// Lang is the BCP 47 code of ctx's language, for <html lang>.
func Lang(ctx context.Context) string { return FromContext(ctx).Lang() }

// Dir is the writing direction of ctx's language, for <html dir>.
func Dir(ctx context.Context) string { return FromContext(ctx).Dir() }

// ScriptStrings is the translations of the scripts' strings for ctx's
// language, as JSON ({"Saving…": "Wird gespeichert…", "%d files":
// {"one": …, "other": …}}), or "" for English. The layout puts it on
// <body data-strings>, where webmail.t in app.js reads it.
func ScriptStrings(ctx context.Context) string { return FromContext(ctx).script }

// Negotiate picks the locale for a request: the user's setting when it
// names a language we have, else the best match for the Accept-Language
// header, else English.
func Negotiate(acceptLanguage, setting string) *Locale {
	c := catalogs()
	if setting != "" {
		if loc, ok := c.byCode[setting]; ok {
			return loc
		}
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return c.english
	}
	_, index, confidence := c.matcher.Match(tags...)
	if confidence == language.No {
		return c.english
	}
	return c.locales[index]
}

// Language is one language the user can choose.
type Language struct {
	Code string // BCP 47: "de"; the value a language setting stores
	Name string // in the language itself: "Deutsch"
}

// Languages lists the languages with a catalog, English first.
func Languages() []Language {
	c := catalogs()
	out := make([]Language, 0, len(c.locales))
	for _, loc := range c.locales {
		out = append(out, Language{Code: loc.Lang(), Name: loc.name})
	}
	return out
}

// Supported reports whether code names a language with a catalog; a
// settings form checks the value it is given with it.
func Supported(code string) bool {
	_, ok := catalogs().byCode[code]
	return ok
}
