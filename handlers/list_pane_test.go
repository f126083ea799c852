package handlers_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestMessagePaneFragment asks for a message the way the reading pane
// does: the answer is the message article alone (no document, no folder
// tree), with the same actions as the full page, and it says it varies on
// the header so no cache hands the fragment to a navigation. Without the
// header the same URL is the full page.
func TestMessagePaneFragment(t *testing.T) {
	f := newMsgFixture(t)
	uid := f.appendMessages(t, "INBOX", plainEML(1))[0]
	path := fmt.Sprintf("/mail/INBOX/%d", uid)

	req, err := http.NewRequest(http.MethodGet, f.http.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Webmail-Fragment", "pane")
	resp, err := f.browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("pane GET %s = %d", path, resp.StatusCode)
	}
	if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "X-Webmail-Fragment") {
		t.Errorf("Vary %q does not name the fragment header", resp.Header.Values("Vary"))
	}
	text := strings.TrimSpace(string(body))
	if !strings.HasPrefix(text, "<article") || strings.Contains(strings.ToLower(text), "<html") {
		t.Fatalf("pane answer is not the article alone: %.200s", text)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Find(`nav.folders, [data-testid="folder-tree"]`).Length() != 0 {
		t.Error("the pane answer carries the folder tree")
	}
	if doc.Find(`article[data-testid="message"] [data-testid="subject"]`).Length() != 1 {
		t.Error("no subject in the pane article")
	}
	if doc.Find(`form[data-testid="actions"] input[name="csrf"]`).AttrOr("value", "") == "" {
		t.Error("the pane's action form has no CSRF token")
	}

	_, full := f.page(t, path)
	if full.Find(`html body article[data-testid="message"]`).Length() != 1 || full.Find("title").Length() != 1 {
		t.Error("without the header the message URL is not the full page")
	}
}

// TestReadingPaneSetting: the list page has the pane on the right by
// default, below or none as the reading_pane setting says, and the rows'
// times follow the time_zone setting.
func TestReadingPaneSetting(t *testing.T) {
	f := newListFixture(t)
	for _, tc := range []struct{ setting, want string }{
		{"", "right"},
		{"below", "below"},
		{"off", ""},
		{"right", "right"},
	} {
		if tc.setting != "" {
			f.saveSettings(t, "reading_pane", tc.setting)
		}
		_, doc := f.open(t, "/mail/INBOX")
		pane := doc.Find(`[data-testid="reading-pane"]`)
		if got := doc.Find(`main.listpage`).AttrOr("data-pane", ""); got != tc.want || (pane.Length() == 1) != (tc.want != "") {
			t.Errorf("reading_pane %q: data-pane %q and %d panes, want %q", tc.setting, got, pane.Length(), tc.want)
		}
	}

	_, doc := f.open(t, "/mail/INBOX")
	utc := doc.Find(`[data-testid="message-row"] td.date time`).First().AttrOr("datetime", "")
	f.saveSettings(t, "time_zone", "Asia/Kolkata")
	_, doc = f.open(t, "/mail/INBOX")
	kolkata := doc.Find(`[data-testid="message-row"] td.date time`).First().AttrOr("datetime", "")
	if !strings.HasSuffix(utc, "Z") || !strings.HasSuffix(kolkata, "+05:30") {
		t.Errorf("row times %q (UTC) and %q (Asia/Kolkata): not in the reader's zone", utc, kolkata)
	}
}
