package handlers

import (
	"slices"
	"strings"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// languageChoices is the settings menu of languages, each named in
// itself ("Deutsch"), after the page's "the browser's language".
func languageChoices() []pages.SettingsChoice {
	var out []pages.SettingsChoice
	for _, l := range i18n.Languages() {
		out = append(out, pages.SettingsChoice{Value: l.Code, Label: l.Name})
	}
	return out
}

// timeZoneChoices is the settings menu of time zones ("America/New York"
// for America/New_York); a saved zone the list lacks (an alias a browser
// reported) is added so the menu shows what is in force.
func timeZoneChoices(current string) []pages.SettingsChoice {
	names := app.TimeZoneNames()
	if current != "" && !slices.Contains(names, current) {
		names = append(names, current)
		slices.Sort(names)
	}
	out := make([]pages.SettingsChoice, len(names))
	for i, name := range names {
		out[i] = pages.SettingsChoice{Value: name, Label: strings.ReplaceAll(name, "_", " ")}
	}
	return out
}
