package handlers

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
)

// TestListDefaults: with the user's default sort and view, a list URL
// leaves out what matches them, says what differs (view=messages too),
// and reads back as the same list.
func TestListDefaults(t *testing.T) {
	byFrom := listDefaults{sort: mail.SortFrom, desc: false}
	threadsOldest := listDefaults{sort: mail.SortDate, desc: false, threads: true}
	tests := []struct {
		name     string
		defaults listDefaults
		query    string
		sort     mail.SortKey
		desc     bool
		threads  bool
		url      string
	}{
		{"built-in", listDefaults{}, "", mail.SortDate, true, false, "/mail/INBOX"},
		{"built-in, threads", listDefaults{}, "view=threads", mail.SortDate, true, true, "/mail/INBOX?view=threads"},
		{"by sender", byFrom, "", mail.SortFrom, false, false, "/mail/INBOX"},
		{"by sender, Z to A asked", byFrom, "order=desc", mail.SortFrom, true, false, "/mail/INBOX?order=desc"},
		{"by sender, date column", byFrom, "sort=date", mail.SortDate, true, false, "/mail/INBOX?sort=date"},
		{"by sender, conversations by date", byFrom, "view=threads", mail.SortDate, true, true, "/mail/INBOX?sort=date&view=threads"},
		{"threads oldest first", threadsOldest, "", mail.SortDate, false, true, "/mail/INBOX"},
		{"threads default, flat asked", threadsOldest, "view=messages", mail.SortDate, false, false, "/mail/INBOX?view=messages"},
		{"threads default, size", threadsOldest, "view=messages&sort=size", mail.SortSize, true, false, "/mail/INBOX?sort=size&view=messages"},
	}
	e := echo.New()
	parse := func(d listDefaults, query string) listParams {
		t.Helper()
		c := e.NewContext(httptest.NewRequest("GET", "/mail/INBOX?"+query, nil), httptest.NewRecorder())
		p, err := parseListParams(c, d)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range tests {
		p := parse(tt.defaults, tt.query)
		if p.sort != tt.sort || p.desc != tt.desc || p.threads != tt.threads {
			t.Errorf("%s: sort %s desc %v threads %v, want %s %v %v", tt.name, p.sort, p.desc, p.threads, tt.sort, tt.desc, tt.threads)
		}
		u := p.url("INBOX")
		if u != tt.url {
			t.Errorf("%s: url %q, want %q", tt.name, u, tt.url)
		}
		_, query, _ := strings.Cut(u, "?")
		if again := parse(tt.defaults, query); again.sort != p.sort || again.desc != p.desc || again.threads != p.threads {
			t.Errorf("%s: %q reads back as %+v", tt.name, u, again)
		}
	}
}

// TestSettingsFromPrefs: stored values the form no longer offers fall back
// to the defaults; the mark-read values are the ones the message page has
// always read.
func TestSettingsFromPrefs(t *testing.T) {
	s := &Server{Deps: Deps{PageSize: 30}}
	tests := []struct {
		prefs map[string]string
		want  userSettings
	}{
		{nil, userSettings{pageSize: 30, sort: "date-desc"}},
		{map[string]string{"page_size": "30"}, userSettings{pageSize: 30, sort: "date-desc"}},
		{map[string]string{"page_size": "100", "list_view": "threads", "list_sort": "size-asc"}, userSettings{pageSize: 100, threads: true, sort: "size-asc"}},
		{map[string]string{"page_size": "75", "list_view": "cards", "list_sort": "sideways"}, userSettings{pageSize: 30, sort: "date-desc"}},
		{map[string]string{"mark_read_delay": "-1"}, userSettings{pageSize: 30, sort: "date-desc", markReadDelay: -1}},
		{map[string]string{"mark_read_delay": "-7"}, userSettings{pageSize: 30, sort: "date-desc", markReadDelay: -1}},
		{map[string]string{"mark_read_delay": "12"}, userSettings{pageSize: 30, sort: "date-desc", markReadDelay: 12}},
		{map[string]string{"mark_read_delay": "9999"}, userSettings{pageSize: 30, sort: "date-desc", markReadDelay: maxMarkReadDelay}},
		{map[string]string{"mark_read_delay": "soon"}, userSettings{pageSize: 30, sort: "date-desc"}},
	}
	for _, tt := range tests {
		if got := s.settingsFromPrefs(tt.prefs); got != tt.want {
			t.Errorf("settingsFromPrefs(%v) = %+v, want %+v", tt.prefs, got, tt.want)
		}
	}
	// What the form saves reads back unchanged.
	for _, u := range []userSettings{
		{pageSize: 200, markReadDelay: -1, threads: true, sort: "from-asc"},
		{pageSize: 25, markReadDelay: 300, sort: "date-asc"},
		{pageSize: 30, sort: "date-desc"},
	} {
		if got := s.settingsFromPrefs(u.prefs()); got != u {
			t.Errorf("%+v saved reads back as %+v", u, got)
		}
	}
	if got := pageSizeList(pageSizes(30)); got != "25, 30, 50, 100 or 200" {
		t.Errorf("page sizes with a server default of 30: %q", got)
	}
}
