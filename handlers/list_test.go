package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/mail"
)

func summaryUIDs(list []mail.Summary) []uint32 {
	var out []uint32
	for _, s := range list {
		out = append(out, s.UID)
	}
	return out
}

// TestListSorting checks that each sort the page offers lists what the
// mail layer sorts (on the demo server, without SORT: the client-side
// sort), that the dates and senders shown really are in order, and that
// the column headers and pager keep and turn the order.
func TestListSorting(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	ctx := context.Background()
	for _, tc := range []struct {
		query string
		want  mail.ListQuery
	}{
		{"", mail.ListQuery{Sort: mail.SortDate, Descending: true, Page: 1}},
		{"?sort=date&order=asc", mail.ListQuery{Sort: mail.SortDate, Page: 1}},
		{"?sort=from", mail.ListQuery{Sort: mail.SortFrom, Page: 1}},
		{"?sort=from&order=desc&page=2", mail.ListQuery{Sort: mail.SortFrom, Descending: true, Page: 2}},
		{"?sort=subject", mail.ListQuery{Sort: mail.SortSubject, Page: 1}},
		{"?sort=size", mail.ListQuery{Sort: mail.SortSize, Descending: true, Page: 1}},
		{"?sort=size&order=asc&page=6", mail.ListQuery{Sort: mail.SortSize, Page: 6}},
		{"?sort=nonsense&order=sideways", mail.ListQuery{Sort: mail.SortDate, Descending: true, Page: 1}},
	} {
		resp, doc := f.open(t, "/mail/INBOX"+tc.query)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", tc.query, resp.StatusCode)
		}
		tc.want.PageSize = 50
		p, err := direct.ListSorted(ctx, "INBOX", tc.want)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := rowUIDs(t, doc), summaryUIDs(p.Messages); len(got) != 50 || !slices.Equal(got, want) {
			t.Errorf("%s: rows %v, want %v", tc.query, got, want)
		}
	}

	// Newest first by default, by the dates shown.
	_, doc := f.open(t, "/mail/INBOX")
	var dates []time.Time
	doc.Find(`[data-testid="message-row"] td.date`).Each(func(_ int, s *goquery.Selection) {
		stamp, _ := s.Find("time").Attr("datetime")
		d, err := time.Parse(time.RFC3339, stamp)
		if err != nil {
			t.Fatalf("date %q: %v", stamp, err)
		}
		dates = append(dates, d)
	})
	for i := 1; i < len(dates); i++ {
		if dates[i].After(dates[i-1]) {
			t.Fatalf("row %d (%v) is newer than row %d (%v)", i, dates[i], i-1, dates[i-1])
		}
	}
	if th := doc.Find(`th[aria-sort="descending"]`); th.Find(`[data-testid="sort-date"]`).Length() != 1 {
		t.Error("the date column does not say it sorts descending")
	}
	if href, _ := doc.Find(`[data-testid="sort-date"]`).Attr("href"); href != "/mail/INBOX?order=asc" {
		t.Errorf("date header turns the order with %q", href)
	}
	if href, _ := doc.Find(`[data-testid="sort-from"]`).Attr("href"); href != "/mail/INBOX?sort=from" {
		t.Errorf("from header links to %q", href)
	}

	// Senders A to Z, by the names shown.
	_, doc = f.open(t, "/mail/INBOX?sort=from")
	var names []string
	doc.Find(`[data-testid="message-row"] td.from`).Each(func(_ int, s *goquery.Selection) {
		names = append(names, strings.ToLower(strings.TrimSpace(s.Text())))
	})
	if !slices.IsSorted(names) {
		t.Errorf("senders not in order: %q", names)
	}
	if doc.Find(`th[aria-sort="ascending"] [data-testid="sort-from"]`).Length() != 1 {
		t.Error("the from column does not say it sorts ascending")
	}
	if href, _ := doc.Find(`[data-testid="next-page"]`).Attr("href"); href != "/mail/INBOX?page=2&sort=from" {
		t.Errorf("next page loses the order: %q", href)
	}

	// Past the last page: the last page.
	resp, _ := f.open(t, "/mail/INBOX?page=99&sort=subject")
	if resp.Request.URL.RequestURI() != "/mail/INBOX?page=6&sort=subject" {
		t.Errorf("page 99 landed on %s", resp.Request.URL.RequestURI())
	}
	resp, doc = f.open(t, "/mail/INBOX?page=0")
	if resp.StatusCode != http.StatusBadRequest || doc.Find(`[data-testid="error-message"]`).Text() == "" {
		t.Errorf("page 0: %d", resp.StatusCode)
	}
}

// TestListFiltersAndSearch checks the quick filters, the quick search and
// the search fields on a folder's list.
func TestListFiltersAndSearch(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	ctx := context.Background()

	_, doc := f.open(t, "/mail/INBOX?filter=unread")
	rows := doc.Find(`[data-testid="message-row"]`)
	if rows.Length() != 50 || rows.Filter(".unread").Length() != 50 {
		t.Errorf("unread filter: %d rows, %d unread", rows.Length(), rows.Filter(".unread").Length())
	}
	if info := doc.Find(`[data-testid="page-info"]`).Text(); !strings.Contains(info, "60 messages") {
		t.Errorf("unread filter page info %q", info)
	}
	if doc.Find(`[data-testid="filter-unread"][aria-current="true"]`).Length() != 1 {
		t.Error("the unread filter is not marked current")
	}
	if href, _ := doc.Find(`[data-testid="clear-search"]`).Attr("href"); href != "/mail/INBOX" {
		t.Errorf("clear link %q", href)
	}

	_, doc = f.open(t, "/mail/INBOX?filter=flagged")
	rows = doc.Find(`[data-testid="message-row"]`)
	if rows.Length() == 0 || rows.Has(`[data-testid="mark-flagged"]`).Length() != rows.Length() {
		t.Errorf("flagged filter: %d rows, %d flagged", rows.Length(), rows.Has(`[data-testid="mark-flagged"]`).Length())
	}

	_, doc = f.open(t, "/mail/INBOX?q=roadmap")
	want, err := direct.ListSorted(ctx, "INBOX", mail.ListQuery{Descending: true, Search: mail.SearchQuery{Text: "roadmap"}, Page: 1, PageSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	if got := rowUIDs(t, doc); len(got) == 0 || !slices.Equal(got, summaryUIDs(want.Messages)) {
		t.Errorf("search rows %v, want %v", got, summaryUIDs(want.Messages))
	}
	if sum := doc.Find(`[data-testid="search-summary"]`).Text(); !strings.Contains(sum, "match “roadmap”") || !strings.Contains(sum, strconv.Itoa(want.Matches)+" message") {
		t.Errorf("search summary %q", sum)
	}
	if v, _ := doc.Find(`[data-testid="search-input"]`).Attr("value"); v != "roadmap" {
		t.Errorf("search box keeps %q", v)
	}
	if href, _ := doc.Find(`[data-testid="advanced-search-link"]`).Attr("href"); href != "/search?mailbox=INBOX&q=roadmap" {
		t.Errorf("advanced link %q", href)
	}
	// The search box keeps the list's settings.
	_, doc = f.open(t, "/mail/INBOX?sort=from&view=threads&filter=unread")
	var hidden []string
	doc.Find(`[data-testid="quick-search"] input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		value, _ := s.Attr("value")
		hidden = append(hidden, name+"="+value)
	})
	if fmt.Sprint(hidden) != "[filter=unread sort=from view=threads]" {
		t.Errorf("search box hidden fields %v", hidden)
	}

	_, doc = f.open(t, "/mail/INBOX?attachment=1")
	rows = doc.Find(`[data-testid="message-row"]`)
	if rows.Length() == 0 || rows.Has(`[data-testid="mark-attachment"]`).Length() != rows.Length() {
		t.Errorf("attachment search: %d rows, %d with attachments", rows.Length(), rows.Has(`[data-testid="mark-attachment"]`).Length())
	}

	_, doc = f.open(t, "/mail/INBOX?q=zqxjkvw")
	if msg := strings.TrimSpace(doc.Find(`[data-testid="empty"]`).Text()); msg != "No messages match." {
		t.Errorf("no matches says %q", msg)
	}
	resp, doc := f.open(t, "/mail/INBOX?since=2024-02-31")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(doc.Find(`[data-testid="error-message"]`).Text(), "YYYY-MM-DD") {
		t.Errorf("bad date: %d %q", resp.StatusCode, doc.Find(`[data-testid="error-message"]`).Text())
	}
}

// TestListThreads checks the conversations view: roots with a count,
// replies indented under them.
func TestListThreads(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	resp, doc := f.open(t, "/mail/INBOX?view=threads")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("threads: %d", resp.StatusCode)
	}
	want, err := direct.ListThreads(context.Background(), "INBOX", mail.ListQuery{Descending: true, Page: 1, PageSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	var wantUIDs []uint32
	for _, c := range want.Conversations {
		for _, m := range c.Messages {
			wantUIDs = append(wantUIDs, m.UID)
		}
	}
	if got := rowUIDs(t, doc); !slices.Equal(got, wantUIDs) {
		t.Errorf("thread rows %v, want %v", got, wantUIDs)
	}
	if info := doc.Find(`[data-testid="page-info"]`).Text(); !strings.Contains(info, "conversations") {
		t.Errorf("page info %q", info)
	}
	if doc.Find(`[data-testid="view-threads"][aria-current="true"]`).Length() != 1 {
		t.Error("the conversations view is not marked current")
	}
	if doc.Find(`[data-testid="sort-from"]`).Length() != 0 || doc.Find(`[data-testid="sort-date"]`).Length() != 1 {
		t.Error("conversations sort by date only")
	}

	// The scripted "Q3 roadmap draft" conversation: Maria's three messages
	// are in INBOX, the user's replies in Sent, so each of hers replies to
	// the one before.
	_, doc = f.open(t, "/mail/INBOX?view=threads&subject=Q3+roadmap")
	var root *goquery.Selection
	doc.Find(`[data-testid="thread-count"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Closest("td").Text(), "Q3 roadmap draft") && !strings.Contains(s.Closest("td").Text(), "Re:") {
			root = s.Closest("tr")
		}
	})
	if root == nil {
		t.Fatal("no conversation row for Q3 roadmap draft")
	}
	thread, _ := root.Attr("data-thread")
	members := doc.Find(`tr[data-thread="` + thread + `"]`)
	count := strings.Fields(root.Find(`[data-testid="thread-count"]`).Text())[0]
	if count != "3" || members.Length() != 3 {
		t.Fatalf("roadmap conversation: count %s, %d rows", count, members.Length())
	}
	for i, class := range []string{"indent-0", "indent-1", "indent-2"} {
		if !members.Eq(i).Find("td.subject").HasClass(class) || (i > 0) != members.Eq(i).HasClass("reply") {
			t.Errorf("roadmap row %d is not at %s", i, class)
		}
	}
	if sum := doc.Find(`[data-testid="search-summary"]`).Text(); !strings.Contains(sum, "conversations in Inbox match subject “Q3 roadmap”") {
		t.Errorf("search summary %q", sum)
	}
}

// TestListPageMarkup checks what the page promises without scripts and to
// assistive technology: no inline scripts or styles (the CSP forbids
// them), a label for every checkbox, a live status region, the shortcuts
// help.
func TestListPageMarkup(t *testing.T) {
	f := newListFixture(t)
	for _, path := range []string{"/mail/INBOX", "/mail/Trash?view=threads", "/search?run=1&q=roadmap"} {
		resp, doc := f.open(t, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		if n := doc.Find("[style]").Length(); n != 0 {
			t.Errorf("%s: %d inline styles", path, n)
		}
		doc.Find("script").Each(func(_ int, s *goquery.Selection) {
			if _, ok := s.Attr("src"); !ok || strings.TrimSpace(s.Text()) != "" {
				t.Errorf("%s: inline script", path)
			}
		})
		doc.Find(`input[type="checkbox"]`).Each(func(_ int, s *goquery.Selection) {
			id, _ := s.Attr("id")
			if s.ParentsFiltered("label").Length() == 0 && (id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1) {
				t.Errorf("%s: checkbox %q has no label", path, id)
			}
		})
		if live, _ := doc.Find(`[data-testid="status"]`).Attr("aria-live"); live != "polite" {
			t.Errorf("%s: no live status region", path)
		}
		if _, hidden := doc.Find(`[data-testid="shortcuts"]`).Attr("hidden"); !hidden || doc.Find(`[data-testid="shortcuts"] kbd`).Length() < 10 {
			t.Errorf("%s: no shortcuts help", path)
		}
		form := doc.Find(`form[data-testid="list-form"][method="post"]`)
		if token, _ := form.Find(`input[name="csrf"]`).Attr("value"); token != f.token {
			t.Errorf("%s: the action form has no CSRF token", path)
		}
	}
	_, doc := f.open(t, "/mail/Trash")
	if doc.Find(`[data-testid="act-empty"]`).Length() != 1 || doc.Find(`[data-testid="act-delete"][data-confirm]`).Length() != 1 {
		t.Error("Trash lacks empty, or delete does not ask")
	}
	_, doc = f.open(t, "/mail/INBOX")
	if doc.Find(`[data-testid="act-empty"]`).Length() != 0 || doc.Find(`[data-testid="act-delete"][data-confirm]`).Length() != 0 {
		t.Error("INBOX offers empty, or asks before moving to Trash")
	}
	if doc.Find(`[data-testid="move-target"] option[value="INBOX"]`).Length() != 0 || doc.Find(`[data-testid="move-target"] option[value="Archive"]`).Length() != 1 {
		t.Error("the move menu lists the current folder or lacks Archive")
	}
}
