package app

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/webmail/webmail/plugins"
)

// PluginSettingSections are the plugins' user settings (UserSettings
// hook), for sections of the settings page; none without plugins.
func (a *App) PluginSettingSections() []plugins.Section {
	if a.Plugins == nil {
		return nil
	}
	return a.Plugins.UserSettings()
}

// pluginValues are the user's values of the plugins' settings, by
// preference key (plugin.<name>.<key>), defaults for those never saved.
func (a *App) pluginValues(prefs map[string]string) map[string]string {
	out := map[string]string{}
	for _, section := range a.PluginSettingSections() {
		for _, f := range section.Fields {
			key := plugins.PrefKey(section.Plugin, f.Key)
			if v, ok := prefs[key]; ok {
				out[key] = v
			} else {
				out[key] = f.Default
			}
		}
	}
	return out
}

// checkPluginValues checks the posted values against the fields' types
// and returns what to save: every field of every section, so an
// unchecked box is saved as "".
func (a *App) checkPluginValues(values map[string]string) (map[string]string, *FieldError) {
	out := map[string]string{}
	for _, section := range a.PluginSettingSections() {
		for _, f := range section.Fields {
			key := plugins.PrefKey(section.Plugin, f.Key)
			v := values[key]
			switch f.Kind {
			case plugins.FieldBool:
				if v != "" {
					v = "1"
				}
			case plugins.FieldChoice:
				if !slices.Contains(f.Choices, v) {
					return nil, &FieldError{Field: key, Message: fmt.Sprintf("Choose one of the offered values for %q.", f.Label)}
				}
			default:
				if len(v) > plugins.MaxSettingLength || !utf8.ValidString(v) {
					return nil, &FieldError{Field: key, Message: fmt.Sprintf("%q is too long: at most %d characters.", f.Label, plugins.MaxSettingLength)}
				}
			}
			out[key] = v
		}
	}
	return out, nil
}
