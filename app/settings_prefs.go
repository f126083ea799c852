package app

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// Names of the settings in the user_prefs table, besides PrefMarkReadDelay.
const (
	prefPageSize = "page_size" // messages per list page, one of PageSizes
	prefListView = "list_view" // "messages" or "threads"
	prefListSort = "list_sort" // a SortChoice value, like "date-desc"
)

// PageSizes are the page sizes a user can choose: the usual ones, and the
// server's default (WEBMAIL_PAGE_SIZE) when it is another.
func PageSizes(serverDefault int) []int {
	sizes := []int{25, 50, 100, 200}
	if !slices.Contains(sizes, serverDefault) {
		sizes = append(sizes, serverDefault)
		slices.Sort(sizes)
	}
	return sizes
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

// SortChoice is one "sort by" choice of the settings page.
type SortChoice struct {
	Value string // the form and stored value
	Label string // English, marked for the catalog: i18n.T translates it
	Key   mail.SortKey
	Desc  bool
}

// SortChoices are the default sorts a user can choose, the built-in one
// first.
func SortChoices() []SortChoice {
	return []SortChoice{
		{"date-desc", i18n.Mark("Date, newest first"), mail.SortDate, true},
		{"date-asc", i18n.Mark("Date, oldest first"), mail.SortDate, false},
		{"from-asc", i18n.Mark("Sender, A to Z"), mail.SortFrom, false},
		{"subject-asc", i18n.Mark("Subject, A to Z"), mail.SortSubject, false},
		{"size-desc", i18n.Mark("Size, largest first"), mail.SortSize, true},
		{"size-asc", i18n.Mark("Size, smallest first"), mail.SortSize, false},
	}
}

// findSort returns the sort choice with value.
func findSort(value string) (SortChoice, bool) {
	i := slices.IndexFunc(SortChoices(), func(c SortChoice) bool { return c.Value == value })
	if i < 0 {
		return SortChoice{}, false
	}
	return SortChoices()[i], true
}

// UserSettings are a user's settings with the defaults filled in.
type UserSettings struct {
	PageSize      int
	MarkReadDelay int // seconds; 0 marks read on opening, -1 never
	Threads       bool
	Sort          string // a SortChoice value
}

// defaultSettings are the settings of a user who saved none.
func (a *App) defaultSettings() UserSettings {
	return UserSettings{PageSize: a.PageSize, Sort: SortChoices()[0].Value}
}

// settingsFromPrefs reads the settings from the stored prefs. A value that
// is missing, or no longer valid (the server's default page size changed,
// say), gives the default.
func (a *App) settingsFromPrefs(prefs map[string]string) UserSettings {
	out := a.defaultSettings()
	if n, err := strconv.Atoi(prefs[prefPageSize]); err == nil && slices.Contains(PageSizes(a.PageSize), n) {
		out.PageSize = n
	}
	out.MarkReadDelay = ParseMarkReadDelay(prefs[PrefMarkReadDelay])
	out.Threads = prefs[prefListView] == "threads"
	if c, ok := findSort(prefs[prefListSort]); ok {
		out.Sort = c.Value
	}
	return out
}

// prefs are the settings as stored.
func (u UserSettings) prefs() map[string]string {
	view := "messages"
	if u.Threads {
		view = "threads"
	}
	return map[string]string{
		prefPageSize:      strconv.Itoa(u.PageSize),
		PrefMarkReadDelay: strconv.Itoa(u.MarkReadDelay),
		prefListView:      view,
		prefListSort:      u.Sort,
	}
}

// ListDefaults are the sort, order and view the user's lists start with.
func (u UserSettings) ListDefaults() ListDefaults {
	c, ok := findSort(u.Sort)
	if !ok {
		return ListDefaults{Threads: u.Threads}
	}
	return ListDefaults{Sort: c.Key, Desc: c.Desc, Threads: u.Threads}
}

// listSettings loads the user's settings for a page that works without
// them (the message list): any failure gives the defaults and is logged,
// never shown, since the mail is on IMAP, not here. Reads follow
// read-your-writes (the context says so after a save), so a setting just
// saved is never read back stale from a replica.
func (a *App) listSettings(ctx context.Context, sess *session.Session) UserSettings {
	if a.DB == nil || sess == nil {
		return a.defaultSettings()
	}
	ctx, cancel := context.WithTimeout(ctx, prefsTimeout)
	defer cancel()
	prefs, err := a.DB.PrefsByEmail(ctx, sess.User)
	if err != nil {
		a.logPrefsError(ctx, err)
		return a.defaultSettings()
	}
	return a.settingsFromPrefs(prefs)
}
