package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/mail"
)

// TestSearchPage checks the advanced search: the form, a search in one
// folder (the folder's list), in every folder (results here, capped), and
// acting on the results.
func TestSearchPage(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)

	resp, doc := f.open(t, "/search?mailbox=INBOX&q=roadmap")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/search: %d", resp.StatusCode)
	}
	form := doc.Find(`form[data-testid="advanced-search"][method="get"][action="/search"]`)
	for _, name := range []string{"q", "from", "to", "subject", "body", "since", "until", "attachment", "larger", "smaller", "mailbox"} {
		if form.Find(`[name="`+name+`"]`).Length() != 1 {
			t.Errorf("the form has no %s field", name)
		}
	}
	if v, _ := form.Find(`[name="q"]`).Attr("value"); v != "roadmap" {
		t.Errorf("q prefilled with %q", v)
	}
	if form.Find(`select[name="mailbox"] option[value="INBOX"][selected]`).Length() != 1 || form.Find(`option[value=""]`).Text() != "All folders" {
		t.Error("the folder menu does not preselect INBOX or lacks all folders")
	}
	if doc.Find(`[data-testid="message-row"]`).Length() != 0 {
		t.Error("results before searching")
	}

	// One folder: its list, with the search.
	noFollow := *f.browser
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	r, err := noFollow.Get(f.http.URL + "/search?run=1&mailbox=Projects%2FWebmail&q=&from=maria&since=2020-01-01&attachment=1&larger=1")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || loc != "/mail/Projects%2FWebmail?attachment=1&from=maria&larger=1&since=2020-01-01" {
		t.Fatalf("one-folder search: %d to %q", r.StatusCode, loc)
	}
	_, doc = f.open(t, "/mail/Projects%2FWebmail?attachment=1&from=maria&larger=1&since=2020-01-01")
	if sum := doc.Find(`[data-testid="search-summary"]`).Text(); !strings.Contains(sum, "from “maria”, dated 2020-01-01 or later, with attachments, larger than 1 KB") {
		t.Errorf("advanced summary %q", sum)
	}

	// Every folder.
	_, doc = f.open(t, "/search?run=1&q=roadmap")
	want, err := direct.SearchAll(context.Background(), mail.SearchQuery{Text: "roadmap"}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got, wantRows []string
	folders := map[string]bool{}
	doc.Find(`[data-testid="message-row"]`).Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Find(`[data-testid="message-link"]`).Attr("href")
		value, _ := s.Find(`[data-testid="select"]`).Attr("value")
		name, _ := s.Find(`[data-testid="select"]`).Attr("name")
		if name != "msg" || !strings.HasPrefix(href, "/mail/"+value[:strings.LastIndex(value, "/")]+"/") {
			t.Errorf("row %q selects %s=%q", href, name, value)
		}
		got = append(got, href)
		folders[s.Find(`[data-testid="row-folder"]`).Text()] = true
	})
	for _, h := range want.Hits {
		wantRows = append(wantRows, fmt.Sprintf("/mail/%s/%d", url.PathEscape(h.Mailbox), h.UID))
	}
	if fmt.Sprint(got) != fmt.Sprint(wantRows) || len(got) == 0 {
		t.Errorf("results %v, want %v", got, wantRows)
	}
	if !folders["Inbox"] || !folders["Sent"] {
		t.Errorf("results come from %v, want Inbox and Sent", folders)
	}
	if sum := doc.Find(`[data-testid="search-summary"]`).Text(); !strings.HasPrefix(sum, fmt.Sprintf("%d messages found; %d folders searched.", len(got), want.Folders)) {
		t.Errorf("summary %q", sum)
	}

	// Acting on results from several folders.
	var picked []string
	doc.Find(`[data-testid="select"]`).Each(func(i int, s *goquery.Selection) {
		if i < 3 {
			v, _ := s.Attr("value")
			picked = append(picked, v)
		}
	})
	status, answer := f.call(t, "/actions", url.Values{"action": {"flag"}, "msg": picked})
	if status != http.StatusOK || answer["message"] != "Flagged 3 messages." {
		t.Fatalf("flag results: %d %v", status, answer)
	}
	_, doc = f.open(t, "/search?run=1&q=roadmap")
	if n := doc.Find(`[data-testid="message-row"]`).Slice(0, 3).Has(`[data-testid="mark-flagged"]`).Length(); n != 3 {
		t.Errorf("%d of 3 results flagged", n)
	}
	resp, _ = f.submit(t, "/actions", url.Values{"action": {"read"}, "msg": picked, "return": {"/search?run=1&q=roadmap"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/search?run=1&q=roadmap" {
		t.Fatalf("read results: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, doc = f.open(t, "/search?run=1&q=roadmap")
	if statusLine(doc) != "Marked 3 messages as read." {
		t.Errorf("status %q", statusLine(doc))
	}

	// Moving results from several folders leaves those already there.
	var inSent, elsewhere int
	for _, v := range picked {
		if strings.HasPrefix(v, "Sent/") {
			inSent++
		} else {
			elsewhere++
		}
	}
	if inSent == 0 || elsewhere == 0 {
		t.Fatalf("picked %v: want results from Sent and elsewhere", picked)
	}
	moved := fmt.Sprintf("Moved %d messages to Sent.", elsewhere)
	if elsewhere == 1 {
		moved = "Moved 1 message to Sent."
	}
	status, answer = f.call(t, "/actions", url.Values{"action": {"move"}, "target": {"Sent"}, "msg": picked})
	if status != http.StatusOK || answer["message"] != moved {
		t.Fatalf("move results: %d %v, want %q", status, answer, moved)
	}

	// Capped, and said so.
	_, doc = f.open(t, "/search?run=1&q=the")
	if n := doc.Find(`[data-testid="message-row"]`).Length(); n != 100 {
		t.Errorf("%d results for a common word, want the cap of 100", n)
	}
	if sum := doc.Find(`[data-testid="search-summary"]`).Text(); !strings.HasPrefix(sum, "Showing the newest 100 messages of at least") {
		t.Errorf("capped summary %q", sum)
	}

	// Mistakes.
	for q, msg := range map[string]string{
		"run=1":                  "Enter something to search for",
		"run=1&until=31.12.2024": "The until date is not valid",
		"run=1&larger=big":       "A size must be a whole number of kilobytes",
		"run=1&since=2024-05-01&until=2024-04-01": "The until date is before the from date.",
	} {
		resp, doc := f.open(t, "/search?"+q)
		if e := doc.Find(`[data-testid="search-error"]`).Text(); !strings.HasPrefix(e, msg) || resp.StatusCode/100 == 5 {
			t.Errorf("%s: %d %q", q, resp.StatusCode, e)
		}
	}
}
