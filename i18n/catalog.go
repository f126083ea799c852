package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// locales holds one folder per language (its BCP 47 code), each with a
// language.txt (the language's own name) and one JSON file per area of the
// UI (common.json, list.json, message.json, ...), so helpers working on
// different areas never edit the same file. A file maps an English key to
// its translation: a string, or for N's keys an object of plural forms
// ({"one": "...", "other": "..."}). The "en" folder is optional overrides
// for every language (a key that is not the English text itself).
//
// Files named js_*.json hold the strings of the scripts (static/files):
// their translations travel with every page (ScriptStrings), so keep them
// to what the scripts show.
//
//go:embed locales
var localeFiles embed.FS

// scriptFilePrefix starts the name of a catalog file of script strings.
const scriptFilePrefix = "js_"

// catalogs is every locale, parsed once from the embedded files on first
// use and never changed after: read-only data, shared by all requests.
var catalogs = sync.OnceValue(func() *catalogSet {
	set, err := loadCatalogs(localeFiles)
	if err != nil {
		// The files are compiled in and the tests load them: a broken
		// catalog never gets past `make test`.
		panic(err)
	}
	return set
})

type catalogSet struct {
	english *Locale
	locales []*Locale // English first: the matcher's default
	byCode  map[string]*Locale
	matcher language.Matcher
}

// entry is one translation: the plain text in forms["other"], or one text
// per plural form.
type entry struct {
	forms map[string]string
	// text is forms["other"], kept beside the map: T reads it for every
	// string of every page.
	text string
}

func (e entry) other(key string) string {
	switch {
	case e.forms == nil:
		return key
	case e.text != "":
		return e.text
	}
	// An entry made without its text beside the map (only UnmarshalJSON
	// sets both) still reads as the map says.
	if s, ok := e.forms["other"]; ok {
		return s
	}
	return key
}

// form is the text for a plural form, falling back to "other" as CLDR does.
func (e entry) form(f plural.Form, key string) string {
	if s, ok := e.forms[formName(f)]; ok {
		return s
	}
	return e.other(key)
}

func formName(f plural.Form) string {
	switch f {
	case plural.Zero:
		return "zero"
	case plural.One:
		return "one"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	}
	return "other"
}

func (e *entry) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		e.forms, e.text = map[string]string{"other": s}, s
		return nil
	}
	var forms map[string]string
	if err := json.Unmarshal(b, &forms); err != nil {
		return fmt.Errorf("a translation is a string or an object of plural forms: %w", err)
	}
	for name := range forms {
		switch name {
		case "zero", "one", "two", "few", "many", "other":
		default:
			return fmt.Errorf("unknown plural form %q", name)
		}
	}
	if _, ok := forms["other"]; !ok {
		return fmt.Errorf("plural forms without \"other\"")
	}
	e.forms, e.text = forms, forms["other"]
	return nil
}

// isPlural says the entry has plural forms, as N's keys need.
func (e entry) isPlural() bool { return len(e.forms) > 1 || e.forms["one"] != "" }

// catalogFile is one parsed area file of one language.
type catalogFile struct {
	lang, name string
	entries    map[string]entry
}

func readCatalogFiles(fsys fs.FS) (map[string][]catalogFile, map[string]string, error) {
	files := map[string][]catalogFile{}
	names := map[string]string{}
	dirs, err := fs.ReadDir(fsys, "locales")
	if err != nil {
		return nil, nil, fmt.Errorf("i18n: %w", err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		lang := d.Name()
		paths, err := fs.Glob(fsys, path.Join("locales", lang, "*.json"))
		if err != nil {
			return nil, nil, fmt.Errorf("i18n: %w", err)
		}
		sort.Strings(paths)
		for _, p := range paths {
			b, err := fs.ReadFile(fsys, p)
			if err != nil {
				return nil, nil, fmt.Errorf("i18n: %w", err)
			}
			var entries map[string]entry
			if err := json.Unmarshal(b, &entries); err != nil {
				return nil, nil, fmt.Errorf("i18n: %s: %w", p, err)
			}
			files[lang] = append(files[lang], catalogFile{lang: lang, name: p, entries: entries})
		}
		if b, err := fs.ReadFile(fsys, path.Join("locales", lang, "language.txt")); err == nil {
			names[lang] = strings.TrimSpace(string(b))
		}
	}
	return files, names, nil
}

func loadCatalogs(fsys fs.FS) (*catalogSet, error) {
	files, names, err := readCatalogFiles(fsys)
	if err != nil {
		return nil, err
	}
	merged := func(lang string) map[string]entry {
		m := map[string]entry{}
		for _, f := range files[lang] {
			for k, v := range f.entries {
				m[k] = v
			}
		}
		return m
	}
	englishOverrides := merged("en")
	name := func(lang string) string {
		if n := names[lang]; n != "" {
			return n
		}
		return lang
	}
	scriptJSON := func(lang string) (string, error) {
		m := map[string]any{}
		for _, f := range files[lang] {
			if !strings.HasPrefix(path.Base(f.name), scriptFilePrefix) {
				continue
			}
			for k, v := range f.entries {
				if v.isPlural() {
					m[k] = v.forms
				} else {
					m[k] = v.forms["other"]
				}
			}
		}
		if len(m) == 0 {
			return "", nil
		}
		b, err := json.Marshal(m)
		if err != nil {
			return "", fmt.Errorf("i18n: locales/%s script strings: %w", lang, err)
		}
		return string(b), nil
	}
	set := &catalogSet{byCode: map[string]*Locale{}}
	set.english = newLocale(language.English, name("en"), englishOverrides, nil)
	set.locales = append(set.locales, set.english)
	codes := make([]string, 0, len(names))
	for lang := range names {
		if lang != "en" {
			codes = append(codes, lang)
		}
	}
	sort.Strings(codes)
	for _, lang := range codes {
		tag, err := language.Parse(lang)
		if err != nil {
			return nil, fmt.Errorf("i18n: locales/%s: %w", lang, err)
		}
		loc := newLocale(tag, name(lang), merged(lang), englishOverrides)
		if loc.script, err = scriptJSON(lang); err != nil {
			return nil, err
		}
		set.locales = append(set.locales, loc)
	}
	tags := make([]language.Tag, 0, len(set.locales))
	for _, loc := range set.locales {
		set.byCode[loc.Lang()] = loc
		tags = append(tags, loc.tag)
	}
	set.matcher = language.NewMatcher(tags)
	return set, nil
}
