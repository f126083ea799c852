package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// saveSettings handles POST /settings. Fields: csrf; page_size (one of
// the sizes offered); list_view ("messages" or "threads"); list_sort (a
// sortChoices value, like "date-desc"); mark_read ("now", "delay" or
// "never") and, with "delay", mark_read_delay (whole seconds, 1 to
// maxMarkReadDelay). Every field is required, as the form always sends
// them. An invalid value shows the form again with a 400 and what to fix;
// nothing is saved then. A saved form goes back to the page, which says
// so. While the primary database is down the save fails with storeError's
// 503: reading mail goes on meanwhile.
func (s *Server) saveSettings(c echo.Context) error {
	form := settingsForm{
		pageSize:      strings.TrimSpace(c.FormValue("page_size")),
		listView:      c.FormValue("list_view"),
		listSort:      c.FormValue("list_sort"),
		markRead:      c.FormValue("mark_read"),
		markReadDelay: strings.TrimSpace(c.FormValue("mark_read_delay")),
	}
	settings, refusal := s.parseSettingsForm(form)
	if refusal != nil {
		return s.renderSettings(c, http.StatusBadRequest, form, "", refusal)
	}
	ctx := c.Request().Context()
	user, err := s.userForSession(ctx, currentSession(c))
	if err == nil {
		err = s.DB.SetPrefs(ctx, user.ID, settings.prefs())
	}
	if err != nil {
		return storeError(err)
	}
	return c.Redirect(http.StatusSeeOther, "/settings?done=saved")
}

// parseSettingsForm checks the posted form and returns the settings it
// asks for, or why it cannot be saved.
func (s *Server) parseSettingsForm(f settingsForm) (userSettings, *settingsRefusal) {
	var out userSettings
	sizes := pageSizes(s.PageSize)
	n, err := strconv.Atoi(f.pageSize)
	if err != nil || !slices.Contains(sizes, n) {
		return out, &settingsRefusal{"page_size", "Choose how many messages a page shows: " + pageSizeList(sizes) + "."}
	}
	out.pageSize = n
	switch f.listView {
	case "messages", "threads":
		out.threads = f.listView == "threads"
	default:
		return out, &settingsRefusal{"list_view", "Choose whether lists show one line per message or conversations."}
	}
	if _, ok := findSort(f.listSort); !ok {
		return out, &settingsRefusal{"list_sort", "Choose how lists are sorted from the menu."}
	}
	out.sort = f.listSort
	switch f.markRead {
	case markReadNow:
		out.markReadDelay = 0
	case markReadNever:
		out.markReadDelay = -1
	case markReadDelay:
		seconds, err := strconv.Atoi(f.markReadDelay)
		if err != nil || seconds < 1 || seconds > maxMarkReadDelay {
			return out, &settingsRefusal{"mark_read_delay",
				"The delay before a message is marked as read must be a whole number of seconds from 1 to " + strconv.Itoa(maxMarkReadDelay) + "."}
		}
		out.markReadDelay = seconds
	default:
		return out, &settingsRefusal{"mark_read", "Choose when an opened message is marked as read: immediately, after a delay or never."}
	}
	return out, nil
}
