package handlers

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/mail"
)

// TestListDefaults: with the user's default sort and view, a list URL
// leaves out what matches them, says what differs (view=messages too),
// and reads back as the same list.
func TestListDefaults(t *testing.T) {
	byFrom := app.ListDefaults{Sort: mail.SortFrom, Desc: false}
	threadsOldest := app.ListDefaults{Sort: mail.SortDate, Desc: false, Threads: true}
	tests := []struct {
		name     string
		defaults app.ListDefaults
		query    string
		sort     mail.SortKey
		desc     bool
		threads  bool
		url      string
	}{
		{"built-in", app.ListDefaults{}, "", mail.SortDate, true, false, "/mail/INBOX"},
		{"built-in, threads", app.ListDefaults{}, "view=threads", mail.SortDate, true, true, "/mail/INBOX?view=threads"},
		{"by sender", byFrom, "", mail.SortFrom, false, false, "/mail/INBOX"},
		{"by sender, Z to A asked", byFrom, "order=desc", mail.SortFrom, true, false, "/mail/INBOX?order=desc"},
		{"by sender, date column", byFrom, "sort=date", mail.SortDate, true, false, "/mail/INBOX?sort=date"},
		{"by sender, conversations by date", byFrom, "view=threads", mail.SortDate, true, true, "/mail/INBOX?sort=date&view=threads"},
		{"threads oldest first", threadsOldest, "", mail.SortDate, false, true, "/mail/INBOX"},
		{"threads default, flat asked", threadsOldest, "view=messages", mail.SortDate, false, false, "/mail/INBOX?view=messages"},
		{"threads default, size", threadsOldest, "view=messages&sort=size", mail.SortSize, true, false, "/mail/INBOX?sort=size&view=messages"},
	}
	e := echo.New()
	parse := func(d app.ListDefaults, query string) app.ListParams {
		t.Helper()
		c := e.NewContext(httptest.NewRequest("GET", "/mail/INBOX?"+query, nil), httptest.NewRecorder())
		p, err := app.ParseListQuery(listQuery(c), d)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range tests {
		p := parse(tt.defaults, tt.query)
		if p.Sort != tt.sort || p.Desc != tt.desc || p.Threads != tt.threads {
			t.Errorf("%s: sort %s desc %v threads %v, want %s %v %v", tt.name, p.Sort, p.Desc, p.Threads, tt.sort, tt.desc, tt.threads)
		}
		u := listURL("INBOX", p)
		if u != tt.url {
			t.Errorf("%s: url %q, want %q", tt.name, u, tt.url)
		}
		_, query, _ := strings.Cut(u, "?")
		if again := parse(tt.defaults, query); again.Sort != p.Sort || again.Desc != p.Desc || again.Threads != p.Threads {
			t.Errorf("%s: %q reads back as %+v", tt.name, u, again)
		}
	}
}
