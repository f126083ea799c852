package app

import (
	"time"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/session"
)

// Names of the display settings in the user_prefs table, besides
// PrefTimeZone. They also ride in the session (session.Session.Display),
// so every page has them without a database query.
const (
	PrefTheme         = "theme"         // ThemeAuto, ThemeLight or ThemeDark
	PrefDensity       = "density"       // DensityComfortable or DensityCompact
	PrefReadingPane   = "reading_pane"  // PaneRight, PaneBelow or PaneOff
	PrefLanguage      = "language"      // an i18n language code; absent or "": from Accept-Language
	PrefListPreview   = "list_preview"  // "on" or "off"
	PrefNotifications = "notifications" // "on" or "off"
	PrefPlainFont     = "plain_font"    // FontProportional or FontMonospace
)

// Values of the display settings.
const (
	ThemeAuto  = "auto" // follows the OS (prefers-color-scheme)
	ThemeLight = "light"
	ThemeDark  = "dark"

	DensityComfortable = "comfortable"
	DensityCompact     = "compact"

	PaneRight = "right"
	PaneBelow = "below"
	PaneOff   = "off"

	FontProportional = "proportional"
	FontMonospace    = "monospace"

	On  = "on"
	Off = "off"
)

// displayPrefNames are the prefs a session carries.
func displayPrefNames() []string {
	return []string{PrefTheme, PrefDensity, PrefReadingPane, PrefTimeZone,
		PrefLanguage, PrefListPreview, PrefNotifications, PrefPlainFont}
}

// DisplayPrefs are the settings that shape every page, defaults filled in
// and every value valid.
type DisplayPrefs struct {
	Theme         string // ThemeAuto, ThemeLight or ThemeDark
	Density       string // DensityComfortable or DensityCompact
	ReadingPane   string // PaneRight, PaneBelow or PaneOff
	TimeZone      string // IANA name, "" until the user chose one (UTC meanwhile)
	Language      string // a language with a catalog (i18n.Supported), "" to follow Accept-Language
	ListPreview   bool   // a preview line under each list row
	Notifications bool   // desktop notifications for new mail
	PlainFont     string // FontProportional or FontMonospace
}

// DefaultDisplayPrefs are the display settings of a user who saved none.
func DefaultDisplayPrefs() DisplayPrefs {
	return DisplayPrefs{Theme: ThemeAuto, Density: DensityComfortable, ReadingPane: PaneRight,
		ListPreview: true, PlainFont: FontProportional}
}

// DisplayPrefsOf returns the display settings the session carries: the
// ones every page uses, at no database cost. A nil session (the login
// page) or an old one without them gives the defaults.
func DisplayPrefsOf(sess *session.Session) DisplayPrefs {
	if sess == nil {
		return DefaultDisplayPrefs()
	}
	return displayFromPrefs(sess.Display)
}

// Location is the user's time zone, UTC until one is chosen.
func (d DisplayPrefs) Location() *time.Location { return TimeZone(d.TimeZone) }

// displayFromPrefs reads the display settings from stored prefs; a value
// missing or not (any longer) valid gives the default.
func displayFromPrefs(prefs map[string]string) DisplayPrefs {
	d := DefaultDisplayPrefs()
	if v := prefs[PrefTheme]; validTheme(v) {
		d.Theme = v
	}
	if v := prefs[PrefDensity]; validDensity(v) {
		d.Density = v
	}
	if v := prefs[PrefReadingPane]; validReadingPane(v) {
		d.ReadingPane = v
	}
	if v := prefs[PrefTimeZone]; ValidTimeZone(v) {
		d.TimeZone = v
	}
	if v := prefs[PrefLanguage]; i18n.Supported(v) {
		d.Language = v
	}
	d.ListPreview = prefs[PrefListPreview] != Off
	d.Notifications = prefs[PrefNotifications] == On
	if v := prefs[PrefPlainFont]; validPlainFont(v) {
		d.PlainFont = v
	}
	return d
}

// displayPrefs picks the display settings out of all of a user's prefs,
// as the session carries them.
func displayPrefs(prefs map[string]string) map[string]string {
	out := map[string]string{}
	for _, name := range displayPrefNames() {
		if v, ok := prefs[name]; ok {
			out[name] = v
		}
	}
	return out
}

func validTheme(v string) bool { return v == ThemeAuto || v == ThemeLight || v == ThemeDark }

func validDensity(v string) bool { return v == DensityComfortable || v == DensityCompact }

func validReadingPane(v string) bool { return v == PaneRight || v == PaneBelow || v == PaneOff }

func validPlainFont(v string) bool { return v == FontProportional || v == FontMonospace }

func validOnOff(v string) bool { return v == On || v == Off }

// ValidTimeZone reports whether name is an IANA time zone ("Europe/Berlin",
// "UTC"). "Local" is refused: it would mean the server's zone.
func ValidTimeZone(name string) bool {
	_, ok := loadZone(name)
	return ok
}
