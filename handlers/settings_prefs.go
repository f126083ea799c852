package handlers

import (
	"context"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
)

// Names of the settings in the user_prefs table, besides prefMarkReadDelay
// (sender_trust.go), which the settings page writes too.
const (
	prefPageSize = "page_size" // messages per list page, one of pageSizes
	prefListView = "list_view" // "messages" or "threads"
	prefListSort = "list_sort" // a sortChoice value, like "date-desc"
)

// Values of the mark-read setting on the form; the stored value is the
// delay (see prefMarkReadDelay).
const (
	markReadNow   = "now"
	markReadDelay = "delay"
	markReadNever = "never"
)

// defaultMarkReadSeconds is the delay the form offers before the user
// picked one.
const defaultMarkReadSeconds = 5

// pageSizes are the page sizes a user can choose: the usual ones, and the
// server's default (WEBMAIL_PAGE_SIZE) when it is another.
func pageSizes(serverDefault int) []int {
	sizes := []int{25, 50, 100, 200}
	if !slices.Contains(sizes, serverDefault) {
		sizes = append(sizes, serverDefault)
		slices.Sort(sizes)
	}
	return sizes
}

// sortChoice is one "sort by" choice of the settings page.
type sortChoice struct {
	value string // the form and stored value
	label string
	key   mail.SortKey
	desc  bool
}

// sortChoices are the default sorts a user can choose, the built-in one
// first.
func sortChoices() []sortChoice {
	return []sortChoice{
		{"date-desc", "Date, newest first", mail.SortDate, true},
		{"date-asc", "Date, oldest first", mail.SortDate, false},
		{"from-asc", "Sender, A to Z", mail.SortFrom, false},
		{"subject-asc", "Subject, A to Z", mail.SortSubject, false},
		{"size-desc", "Size, largest first", mail.SortSize, true},
		{"size-asc", "Size, smallest first", mail.SortSize, false},
	}
}

// findSort returns the sort choice with value.
func findSort(value string) (sortChoice, bool) {
	i := slices.IndexFunc(sortChoices(), func(c sortChoice) bool { return c.value == value })
	if i < 0 {
		return sortChoice{}, false
	}
	return sortChoices()[i], true
}

// userSettings are a user's settings with the defaults filled in.
type userSettings struct {
	pageSize      int
	markReadDelay int // seconds; 0 marks read on opening, -1 never
	threads       bool
	sort          string // a sortChoice value
}

// defaultSettings are the settings of a user who saved none.
func (s *Server) defaultSettings() userSettings {
	return userSettings{pageSize: s.PageSize, sort: sortChoices()[0].value}
}

// settingsFromPrefs reads the settings from the stored prefs. A value that
// is missing, or no longer valid (the server's default page size changed,
// say), gives the default.
func (s *Server) settingsFromPrefs(prefs map[string]string) userSettings {
	out := s.defaultSettings()
	if n, err := strconv.Atoi(prefs[prefPageSize]); err == nil && slices.Contains(pageSizes(s.PageSize), n) {
		out.pageSize = n
	}
	out.markReadDelay = parseMarkReadDelay(prefs[prefMarkReadDelay])
	out.threads = prefs[prefListView] == "threads"
	if c, ok := findSort(prefs[prefListSort]); ok {
		out.sort = c.value
	}
	return out
}

// parseMarkReadDelay reads the stored mark-read setting: "0" (or nothing)
// on opening, N > 0 after N seconds (at most maxMarkReadDelay), any
// negative number never.
func parseMarkReadDelay(value string) int {
	n, err := strconv.Atoi(value)
	switch {
	case err != nil:
		return 0
	case n < 0:
		return -1
	default:
		return min(n, maxMarkReadDelay)
	}
}

// prefs are the settings as stored.
func (u userSettings) prefs() map[string]string {
	view := "messages"
	if u.threads {
		view = "threads"
	}
	return map[string]string{
		prefPageSize:      strconv.Itoa(u.pageSize),
		prefMarkReadDelay: strconv.Itoa(u.markReadDelay),
		prefListView:      view,
		prefListSort:      u.sort,
	}
}

// listDefaults are the sort, order and view the user's lists start with.
func (u userSettings) listDefaults() listDefaults {
	c, ok := findSort(u.sort)
	if !ok {
		return listDefaults{threads: u.threads}
	}
	return listDefaults{sort: c.key, desc: c.desc, threads: u.threads}
}

// loadSettings loads the signed-in user's settings for a page that works
// without them (the message list): any failure gives the defaults and is
// logged, never shown, since the mail is on IMAP, not here. Reads follow
// read-your-writes (the request context says so after a save), so a
// setting just saved is never read back stale from a replica.
func (s *Server) loadSettings(c echo.Context) userSettings {
	sess := currentSession(c)
	if s.DB == nil || sess == nil {
		return s.defaultSettings()
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), prefsTimeout)
	defer cancel()
	prefs, err := s.DB.PrefsByEmail(ctx, sess.User)
	if err != nil {
		s.logPrefsError(c, err)
		return s.defaultSettings()
	}
	return s.settingsFromPrefs(prefs)
}
