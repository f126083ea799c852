package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// showSettings shows the settings page at /settings; ?done=saved after a
// save says so.
func (s *Server) showSettings(c echo.Context) error {
	form, err := s.App.Settings(c.Request().Context(), currentSession(c))
	if err != nil {
		return err
	}
	status := ""
	if c.QueryParam("done") == "saved" {
		status = i18n.T(c.Request().Context(), "Settings saved.")
	}
	return s.renderSettings(c, http.StatusOK, form, status, nil)
}

// renderSettings draws the settings page with form's values; refusal, if
// any, at the top and on its field.
func (s *Server) renderSettings(c echo.Context, status int, form app.SettingsForm, statusText string, refusal *app.FieldError) error {
	view := pages.SettingsView{
		Frame:            s.frame(c, "Settings"),
		Status:           statusText,
		PageSize:         form.PageSize,
		ListView:         form.ListView,
		ListSort:         form.ListSort,
		MarkRead:         form.MarkRead,
		MarkReadDelay:    form.MarkReadDelay,
		MaxMarkReadDelay: app.MaxMarkReadDelay,
		UndoSend:         form.UndoSend,
		UndoSendChoices:  undoSendChoices(c.Request().Context(), form.UndoSend),
		PluginSections:   pluginSettingsView(s.App.PluginSettingSections(), form),
		Theme:            form.Display.Theme,
		Density:          form.Display.Density,
		ReadingPane:      form.Display.ReadingPane,
		ListPreview:      form.Display.ListPreview,
		PlainFont:        form.Display.PlainFont,
		Notifications:    form.Display.Notifications,
		Language:         form.Display.Language,
		Languages:        languageChoices(),
		TimeZone:         form.Display.TimeZone,
		TimeZones:        timeZoneChoices(form.Display.TimeZone),
	}
	if refusal != nil {
		view.Error, view.ErrorField = refusal.Message, refusal.Field
	}
	for _, n := range app.PageSizes(s.App.PageSize) {
		label := strconv.Itoa(n)
		if n == s.App.PageSize {
			label = i18n.T(c.Request().Context(), "%s (default)", label)
		}
		view.PageSizes = append(view.PageSizes, pages.SettingsChoice{Value: strconv.Itoa(n), Label: label})
	}
	for _, c := range app.SortChoices() {
		view.Sorts = append(view.Sorts, pages.SettingsChoice{Value: c.Value, Label: c.Label})
	}
	return render(c, status, pages.Settings(view))
}
