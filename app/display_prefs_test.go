package app

import (
	"maps"
	"testing"
)

func TestDisplayFromPrefs(t *testing.T) {
	defaults := DefaultDisplayPrefs()
	tests := []struct {
		name  string
		prefs map[string]string
		want  DisplayPrefs
	}{
		{"none saved", nil, defaults},
		{"all saved", map[string]string{PrefTheme: "dark", PrefDensity: "compact", PrefReadingPane: "below",
			PrefTimeZone: "Europe/Berlin", PrefLanguage: "de", PrefListPreview: "off", PrefNotifications: "on", PrefPlainFont: "monospace"},
			DisplayPrefs{Theme: "dark", Density: "compact", ReadingPane: "below", TimeZone: "Europe/Berlin",
				Language: "de", ListPreview: false, Notifications: true, PlainFont: "monospace"}},
		{"invalid values fall back", map[string]string{PrefTheme: "purple", PrefDensity: "tiny", PrefReadingPane: "left",
			PrefTimeZone: "Mars/Olympus", PrefLanguage: "xx", PrefListPreview: "maybe", PrefNotifications: "yes", PrefPlainFont: "comic"},
			defaults},
		{"Local is not a user's zone", map[string]string{PrefTimeZone: "Local"}, defaults},
	}
	for _, tt := range tests {
		if got := displayFromPrefs(tt.prefs); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestParseDisplayForm(t *testing.T) {
	tests := []struct {
		name    string
		form    DisplayForm
		want    map[string]string
		refused string // the field, or "" for a saved form
	}{
		{"empty keeps everything", DisplayForm{}, map[string]string{}, ""},
		{"every field", DisplayForm{Theme: "light", Density: "compact", ReadingPane: "off", TimeZone: "America/New_York",
			Language: "auto", ListPreview: "off", Notifications: "on", PlainFont: "monospace"},
			map[string]string{PrefTheme: "light", PrefDensity: "compact", PrefReadingPane: "off", PrefTimeZone: "America/New_York",
				PrefLanguage: "", PrefListPreview: "off", PrefNotifications: "on", PrefPlainFont: "monospace"}, ""},
		{"a supported language", DisplayForm{Language: "de"}, map[string]string{PrefLanguage: "de"}, ""},
		{"bad theme", DisplayForm{Theme: "purple"}, nil, PrefTheme},
		{"bad density", DisplayForm{Density: "huge"}, nil, PrefDensity},
		{"bad pane", DisplayForm{ReadingPane: "left"}, nil, PrefReadingPane},
		{"unknown zone", DisplayForm{TimeZone: "Europe/Atlantis"}, nil, PrefTimeZone},
		{"a path is no zone", DisplayForm{TimeZone: "../../etc/passwd"}, nil, PrefTimeZone},
		{"unsupported language", DisplayForm{Language: "tlh"}, nil, PrefLanguage},
		{"bad preview", DisplayForm{ListPreview: "yes"}, nil, PrefListPreview},
		{"bad notifications", DisplayForm{Notifications: "1"}, nil, PrefNotifications},
		{"bad font", DisplayForm{PlainFont: "serif"}, nil, PrefPlainFont},
	}
	for _, tt := range tests {
		got, refusal := parseDisplayForm(tt.form)
		switch {
		case tt.refused != "" && (refusal == nil || refusal.Field != tt.refused):
			t.Errorf("%s: refusal %v, want one on %s", tt.name, refusal, tt.refused)
		case tt.refused == "" && refusal != nil:
			t.Errorf("%s: refused: %v", tt.name, refusal)
		case tt.refused == "" && !maps.Equal(got, tt.want):
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
