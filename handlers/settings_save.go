package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// saveSettings handles POST /settings. Fields: csrf; page_size (one of
// the sizes offered); list_view ("messages" or "threads"); list_sort (a
// sort choice, like "date-desc"); mark_read ("now", "delay" or "never")
// and, with "delay", mark_read_delay (whole seconds, 1 to
// app.MaxMarkReadDelay); undo_send (seconds a sent message waits so it
// can be taken back, 0 to 30; optional: absent keeps the saved value);
// the display settings theme (auto, light, dark), density (comfortable,
// compact), reading_pane (right, below, off), time_zone (IANA), language
// ("auto" or a language tag), list_preview and notifications (on, off),
// plain_font (proportional, monospace), each optional likewise. An
// invalid value shows the form again with a 400
// and what to fix; nothing is saved then. A saved form goes back to the
// page, which says so. While the primary database is down the save fails
// with a 503 page: reading mail goes on meanwhile.
func (s *Server) saveSettings(c echo.Context) error {
	form := app.SettingsForm{
		PageSize:      strings.TrimSpace(c.FormValue("page_size")),
		ListView:      c.FormValue("list_view"),
		ListSort:      c.FormValue("list_sort"),
		MarkRead:      c.FormValue("mark_read"),
		MarkReadDelay: strings.TrimSpace(c.FormValue("mark_read_delay")),
		UndoSend:      strings.TrimSpace(c.FormValue("undo_send")),
		Plugins:       pluginSettingsForm(c, s.App.PluginSettingSections()),
		Display: app.DisplayForm{
			Theme:         c.FormValue("theme"),
			Density:       c.FormValue("density"),
			ReadingPane:   c.FormValue("reading_pane"),
			TimeZone:      strings.TrimSpace(c.FormValue("time_zone")),
			Language:      c.FormValue("language"),
			ListPreview:   c.FormValue("list_preview"),
			Notifications: c.FormValue("notifications"),
			PlainFont:     c.FormValue("plain_font"),
		},
	}
	err := s.App.SaveSettings(c.Request().Context(), currentSession(c), form)
	var refusal *app.FieldError
	switch {
	case errors.As(err, &refusal):
		if form.UndoSend == "" || form.Display.Missing() {
			// A form from before a field: show the value in force, or the
			// menu would fall on its first choice (or none) and the next
			// save would store that.
			if saved, err := s.App.Settings(c.Request().Context(), currentSession(c)); err == nil {
				if form.UndoSend == "" {
					form.UndoSend = saved.UndoSend
				}
				form.Display = form.Display.Or(saved.Display)
			}
		}
		return s.renderSettings(c, http.StatusBadRequest, form, "", refusal)
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings?done=saved")
}
