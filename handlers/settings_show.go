package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/templates/pages"
)

// showSettings shows the settings page at /settings; ?done=saved after a
// save says so. It reads the settings like every page does, so right after
// a save (read-your-writes) they come from the primary and the page shows
// what was just saved. Only when no database at all answers does it fail,
// rather than show defaults a save would then write over the real values.
func (s *Server) showSettings(c echo.Context) error {
	prefs, err := s.DB.PrefsByEmail(c.Request().Context(), currentSession(c).User)
	if err != nil {
		return storeError(err)
	}
	status := ""
	if c.QueryParam("done") == "saved" {
		status = "Settings saved."
	}
	return s.renderSettings(c, http.StatusOK, formFromSettings(s.settingsFromPrefs(prefs)), status, nil)
}

// settingsForm are the settings page's fields as form values.
type settingsForm struct {
	pageSize      string
	listView      string // "messages" or "threads"
	listSort      string
	markRead      string // markReadNow, markReadDelay or markReadNever
	markReadDelay string // seconds, with markReadDelay
}

// formFromSettings fills the form with the user's settings.
func formFromSettings(u userSettings) settingsForm {
	f := settingsForm{
		pageSize:      strconv.Itoa(u.pageSize),
		listView:      "messages",
		listSort:      u.sort,
		markRead:      markReadNow,
		markReadDelay: strconv.Itoa(defaultMarkReadSeconds),
	}
	if u.threads {
		f.listView = "threads"
	}
	switch {
	case u.markReadDelay < 0:
		f.markRead = markReadNever
	case u.markReadDelay > 0:
		f.markRead, f.markReadDelay = markReadDelay, strconv.Itoa(u.markReadDelay)
	}
	return f
}

// settingsRefusal is why a save was refused, and the field it is about.
type settingsRefusal struct {
	field   string
	message string
}

// renderSettings draws the settings page with form's values; refusal, if
// any, at the top and on its field.
func (s *Server) renderSettings(c echo.Context, status int, form settingsForm, statusText string, refusal *settingsRefusal) error {
	view := pages.SettingsView{
		Frame:            s.frame(c, "Settings"),
		Status:           statusText,
		PageSize:         form.pageSize,
		ListView:         form.listView,
		ListSort:         form.listSort,
		MarkRead:         form.markRead,
		MarkReadDelay:    form.markReadDelay,
		MaxMarkReadDelay: maxMarkReadDelay,
	}
	if refusal != nil {
		view.Error, view.ErrorField = refusal.message, refusal.field
	}
	for _, n := range pageSizes(s.PageSize) {
		label := strconv.Itoa(n)
		if n == s.PageSize {
			label += " (default)"
		}
		view.PageSizes = append(view.PageSizes, pages.SettingsChoice{Value: strconv.Itoa(n), Label: label})
	}
	for _, c := range sortChoices() {
		view.Sorts = append(view.Sorts, pages.SettingsChoice{Value: c.value, Label: c.label})
	}
	return render(c, status, pages.Settings(view))
}

// pageSizeList is the page sizes in words: "25, 50, 100 or 200".
func pageSizeList(sizes []int) string {
	words := make([]string, len(sizes))
	for i, n := range sizes {
		words[i] = strconv.Itoa(n)
	}
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
