package handlers_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// sidebarIcons maps each sidebar folder link to the icon it shows.
func sidebarIcons(doc *goquery.Document) map[string]string {
	out := map[string]string{}
	doc.Find(`nav.folders [data-testid="folder"]`).Each(func(_ int, a *goquery.Selection) {
		out[a.AttrOr("href", "")] = a.Find("svg.icon").AttrOr("data-icon", "")
	})
	return out
}

// TestFolderTreeDovecot: against Dovecot, whose folders carry special-use
// attributes and which has a storage quota, the sidebar shows each
// folder's icon by its use (drawn from the fingerprinted sprite) and the
// quota as a bar with "… MB of 1 GB", in the reader's language. The user
// is one whose mailbox holds mail before the webmail first lists it (the
// quota is then kept a minute).
func TestFolderTreeDovecot(t *testing.T) {
	f := newMsgFixture(t)
	email, password := f.env.AddUser(t)
	big := []byte("From: a@example.test\r\nTo: b@example.test\r\nSubject: big\r\n\r\n" + strings.Repeat("0123456789abcdef\r\n", 150000))
	f.env.AppendMessages(t, email, password, "INBOX", [][]byte{big})
	browser := f.client()
	resp, doc := f.login(t, browser, email, password)
	if resp.StatusCode != http.StatusOK || doc.Find(`[data-testid="message-list"]`).Length() != 1 {
		t.Fatalf("login: %d, no list", resp.StatusCode)
	}
	icons := sidebarIcons(doc)
	want := map[string]string{"/mail/INBOX": "inbox", "/mail/Sent": "send", "/mail/Drafts": "file-pen",
		"/mail/Trash": "trash-2", "/mail/Junk": "shield-alert", "/mail/Archive": "archive"}
	for href, icon := range want {
		if icons[href] != icon {
			t.Errorf("sidebar %s shows icon %q, want %q (all: %v)", href, icons[href], icon, icons)
		}
	}
	if href := doc.Find(`nav.folders [data-testid="folder"] svg use`).First().AttrOr("href", ""); !strings.HasPrefix(href, "/static/vendor/lucide-static/sprite.") || !strings.HasSuffix(href, ".svg#inbox") {
		t.Errorf("icon drawn from %q, want the fingerprinted sprite", href)
	}

	quota := doc.Find(`nav.folders [data-testid="quota"]`)
	if quota.Length() != 1 {
		t.Fatal("no quota in the sidebar of a server with QUOTA")
	}
	meter := quota.Find("meter")
	if max := meter.AttrOr("max", ""); max != strconv.Itoa(1<<30) {
		t.Errorf("quota bar max %q, want 1 GiB in bytes", max)
	}
	used, _ := strconv.Atoi(meter.AttrOr("value", ""))
	if used < 2_000_000 {
		t.Errorf("quota bar value %d, want at least the 2.7 MB message", used)
	}
	if text := quota.Find(`[data-testid="quota-text"]`).Text(); !strings.HasSuffix(text, " MB of 1 GB") {
		t.Errorf("quota text %q, want \"… MB of 1 GB\"", text)
	}
	if id := meter.AttrOr("id", ""); id == "" || quota.Find(`label[for="`+id+`"]`).Length() != 1 {
		t.Error("the quota bar has no label")
	}
	// The same page in German.
	req, _ := http.NewRequest(http.MethodGet, f.http.URL+"/mail/INBOX", nil)
	req.Header.Set("Accept-Language", "de")
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	if !strings.Contains(body.String(), " MB von 1 GB") {
		t.Error("the German page does not say \"… MB von 1 GB\"")
	}
}

// TestFolderTreeWithoutQuota: a server without QUOTA (the demo server)
// shows no quota, and plain folders the folder icon.
func TestFolderTreeWithoutQuota(t *testing.T) {
	f := newListFixture(t)
	_, doc := f.open(t, "/mail/INBOX")
	if doc.Find(`[data-testid="quota"]`).Length() != 0 {
		t.Error("a quota shown for a server without QUOTA")
	}
	icons := sidebarIcons(doc)
	if icons["/mail/INBOX"] != "inbox" || icons["/mail/Receipts"] != "folder" {
		t.Errorf("sidebar icons %v: want inbox for INBOX, folder for Receipts", icons)
	}
}
