package app

import (
	"context"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/session"
)

// LanguageAuto is the language menu's value for "the browser's language"
// (Accept-Language); it is stored as "".
const LanguageAuto = "auto"

// DisplayForm are the display settings as form values. An empty field
// keeps the saved value: forms from before a field existed, and scripts
// posting only some fields, change nothing they do not name.
type DisplayForm struct {
	Theme         string // ThemeAuto, ThemeLight or ThemeDark
	Density       string // DensityComfortable or DensityCompact
	ReadingPane   string // PaneRight, PaneBelow or PaneOff
	TimeZone      string // an IANA name
	Language      string // LanguageAuto or a code of i18n.Languages
	ListPreview   string // On or Off
	Notifications string // On or Off
	PlainFont     string // FontProportional or FontMonospace
}

// Missing reports whether the form lacks a field (one from before it).
func (f DisplayForm) Missing() bool {
	return f.Theme == "" || f.Density == "" || f.ReadingPane == "" || f.TimeZone == "" ||
		f.Language == "" || f.ListPreview == "" || f.Notifications == "" || f.PlainFont == ""
}

// Or is f with its empty fields taken from saved: a refused older form
// shown again with the values in force.
func (f DisplayForm) Or(saved DisplayForm) DisplayForm {
	pick := func(posted, kept string) string {
		if posted == "" {
			return kept
		}
		return posted
	}
	return DisplayForm{Theme: pick(f.Theme, saved.Theme), Density: pick(f.Density, saved.Density),
		ReadingPane: pick(f.ReadingPane, saved.ReadingPane), TimeZone: pick(f.TimeZone, saved.TimeZone),
		Language: pick(f.Language, saved.Language), ListPreview: pick(f.ListPreview, saved.ListPreview),
		Notifications: pick(f.Notifications, saved.Notifications), PlainFont: pick(f.PlainFont, saved.PlainFont)}
}

// displayForm fills the form with the user's display settings.
func displayForm(d DisplayPrefs) DisplayForm {
	onOff := func(b bool) string {
		if b {
			return On
		}
		return Off
	}
	language := d.Language
	if language == "" {
		language = LanguageAuto
	}
	return DisplayForm{Theme: d.Theme, Density: d.Density, ReadingPane: d.ReadingPane,
		TimeZone: d.TimeZone, Language: language, ListPreview: onOff(d.ListPreview),
		Notifications: onOff(d.Notifications), PlainFont: d.PlainFont}
}

// parseDisplayForm checks the display fields and returns the prefs to
// store for the ones the form sent, or why it cannot be saved.
func parseDisplayForm(f DisplayForm) (map[string]string, *FieldError) {
	out := map[string]string{}
	fields := []struct {
		name, value string
		valid       func(string) bool
		refusal     string
	}{
		{PrefTheme, f.Theme, validTheme, i18n.Mark("Choose a theme: automatic, light or dark.")},
		{PrefDensity, f.Density, validDensity, i18n.Mark("Choose comfortable or compact lists.")},
		{PrefReadingPane, f.ReadingPane, validReadingPane, i18n.Mark("Choose where messages open: on the right, below the list, or on their own page.")},
		{PrefTimeZone, f.TimeZone, ValidTimeZone, i18n.Mark("Choose a time zone from the list, like Europe/Berlin.")},
		{PrefListPreview, f.ListPreview, validOnOff, i18n.Mark("Choose whether lists show a preview line.")},
		{PrefNotifications, f.Notifications, validOnOff, i18n.Mark("Choose whether new mail shows a desktop notification.")},
		{PrefPlainFont, f.PlainFont, validPlainFont, i18n.Mark("Choose the font for plain-text messages.")},
	}
	for _, field := range fields {
		if field.value == "" {
			continue
		}
		if !field.valid(field.value) {
			return nil, &FieldError{field.name, field.refusal}
		}
		out[field.name] = field.value
	}
	switch {
	case f.Language == "":
	case f.Language == LanguageAuto:
		out[PrefLanguage] = ""
	case i18n.Supported(f.Language):
		out[PrefLanguage] = f.Language
	default:
		return nil, &FieldError{PrefLanguage, i18n.Mark("Choose a language from the menu.")}
	}
	return out, nil
}

// loginDisplay reads the display settings a new session carries. It costs
// the login one query; any failure gives the defaults (logged), as a
// login must work while the database is down.
func (a *App) loginDisplay(ctx context.Context, username string) map[string]string {
	if a.DB == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, prefsTimeout)
	defer cancel()
	prefs, err := a.DB.PrefsByEmail(ctx, username)
	if err != nil {
		a.logPrefsError(ctx, err)
		return nil
	}
	return displayPrefs(prefs)
}

// refreshSessionDisplay copies the display settings just saved into the
// user's sessions (this one and their others), read back from the primary
// so a save of some fields keeps the others. A failure is logged: the
// settings are saved, and the sessions pick them up at the next login.
func (a *App) refreshSessionDisplay(ctx context.Context, sess *session.Session) {
	if a.Sessions == nil {
		return
	}
	prefs, err := a.DB.PrefsByEmail(WithPrimaryReads(ctx), sess.User)
	if err == nil {
		err = a.Sessions.SetDisplay(ctx, sess, displayPrefs(prefs))
	}
	if err != nil {
		a.Logger.WarnContext(ctx, "settings saved, but the sessions still show the old display settings", "err", err)
	}
}
