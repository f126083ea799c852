package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/plugins"
	"github.com/webmail/webmail/templates/pages"
)

// pluginSettingsView is the plugins' sections of the settings form, with
// the values of form.
func pluginSettingsView(sections []plugins.Section, form app.SettingsForm) []pages.SettingsPluginSection {
	var out []pages.SettingsPluginSection
	for _, section := range sections {
		view := pages.SettingsPluginSection{Plugin: section.Plugin}
		for _, f := range section.Fields {
			name := plugins.PrefKey(section.Plugin, f.Key)
			field := pages.SettingsPluginField{Name: name, Label: f.Label, Help: f.Help, Kind: "text", Value: form.Plugins[name]}
			switch f.Kind {
			case plugins.FieldBool:
				field.Kind = "bool"
			case plugins.FieldChoice:
				field.Kind = "choice"
				for _, c := range f.Choices {
					field.Choices = append(field.Choices, pages.SettingsChoice{Value: c, Label: c})
				}
			}
			view.Fields = append(view.Fields, field)
		}
		out = append(out, view)
	}
	return out
}

// pluginSettingsForm reads the plugins' fields of a posted settings form.
func pluginSettingsForm(c echo.Context, sections []plugins.Section) map[string]string {
	values := map[string]string{}
	for _, section := range sections {
		for _, f := range section.Fields {
			name := plugins.PrefKey(section.Plugin, f.Key)
			values[name] = c.FormValue(name)
		}
	}
	return values
}
