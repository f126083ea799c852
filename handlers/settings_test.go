package handlers_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/internal/demo"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/store"
)

// settingsForm is a complete settings form as the page sends it, with the
// built-in defaults; tests change what they need.
func settingsForm(changes ...string) url.Values {
	form := url.Values{
		"page_size":       {"50"},
		"list_view":       {"messages"},
		"list_sort":       {"date-desc"},
		"mark_read":       {"now"},
		"mark_read_delay": {"5"},
	}
	for i := 0; i+1 < len(changes); i += 2 {
		form.Set(changes[i], changes[i+1])
	}
	return form
}

// saveSettings posts the settings form and expects it saved.
func (f *listFixture) saveSettings(t *testing.T, changes ...string) {
	t.Helper()
	resp, doc := f.submit(t, "/settings", settingsForm(changes...))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?done=saved" {
		t.Fatalf("save %v: %d → %q (%s)", changes, resp.StatusCode, resp.Header.Get("Location"), doc.Find(`[data-testid="settings-error"]`).Text())
	}
}

// settingsValues are the values the settings page shows as chosen.
func settingsValues(t *testing.T, doc *goquery.Document) map[string]string {
	t.Helper()
	form := doc.Find(`form[data-testid="settings-form"]`)
	if form.Length() != 1 {
		t.Fatal("no settings form on the page")
	}
	out := map[string]string{}
	form.Find("select").Each(func(_ int, s *goquery.Selection) {
		out[s.AttrOr("name", "")] = s.Find("option[selected]").AttrOr("value", "")
	})
	form.Find(`input[type="radio"][checked]`).Each(func(_ int, s *goquery.Selection) {
		out[s.AttrOr("name", "")] = s.AttrOr("value", "")
	})
	out["mark_read_delay"] = form.Find(`input[name="mark_read_delay"]`).AttrOr("value", "")
	return out
}

// TestSettingsPage: the page is linked from the top bar, shows the
// defaults in labelled fields grouped in fieldsets, and a save changes the
// message list's page size, sort and view.
func TestSettingsPage(t *testing.T) {
	f := newListFixture(t)
	_, doc := f.open(t, "/mail/INBOX")
	if href := doc.Find(`header.topbar [data-testid="settings-link"]`).AttrOr("href", ""); href != "/settings" {
		t.Fatalf("top bar settings link %q", href)
	}
	if n := doc.Find(`[data-testid="message-row"]`).Length(); n != 50 {
		t.Fatalf("%d rows before any setting, want the server default of 50", n)
	}
	_, oldestFirst := f.open(t, "/mail/INBOX?order=asc")
	ascending := rowUIDs(t, oldestFirst)

	resp, doc := f.open(t, "/settings")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /settings = %d", resp.StatusCode)
	}
	want := map[string]string{"page_size": "50", "list_sort": "date-desc", "list_view": "messages", "mark_read": "now", "mark_read_delay": "5", "undo_send": "10",
		"theme": "auto", "density": "comfortable", "reading_pane": "right", "list_preview": "on", "plain_font": "proportional",
		"notifications": "off", "language": "auto", "time_zone": ""}
	if got := settingsValues(t, doc); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("defaults shown %v, want %v", got, want)
	}
	var sizes []string
	doc.Find(`select[name="page_size"] option`).Each(func(_ int, s *goquery.Selection) { sizes = append(sizes, s.AttrOr("value", "")) })
	if !slices.Equal(sizes, []string{"25", "50", "100", "200"}) {
		t.Fatalf("page sizes offered %v", sizes)
	}
	// Accessible: every field has a label, every group a legend.
	doc.Find(`form[data-testid="settings-form"]`).Find("select, input:not([type=hidden])").Each(func(_ int, s *goquery.Selection) {
		id := s.AttrOr("id", "")
		if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("field %s (id %q) has no label", s.AttrOr("name", ""), id)
		}
	})
	doc.Find("fieldset").Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.ChildrenFiltered("legend").Text()) == "" {
			t.Error("a fieldset without a legend")
		}
	})
	if doc.Find("fieldset").Length() < 3 {
		t.Errorf("%d fieldsets, want the list, its view and mark-read groups", doc.Find("fieldset").Length())
	}

	// 25 a page, oldest first.
	f.saveSettings(t, "page_size", "25", "list_sort", "date-asc")
	_, doc = f.open(t, "/settings?done=saved")
	if status := statusLine(doc); status != "Settings saved." {
		t.Fatalf("status after saving %q", status)
	}
	if got := settingsValues(t, doc); got["page_size"] != "25" || got["list_sort"] != "date-asc" {
		t.Fatalf("after saving the page shows %v", got)
	}
	// Undo send: any delay 0-30 s is kept; outside it the form is refused
	// and nothing is saved.
	f.saveSettings(t, "page_size", "25", "list_sort", "date-asc", "undo_send", "0")
	if _, doc := f.open(t, "/settings"); settingsValues(t, doc)["undo_send"] != "0" {
		t.Fatalf("undo_send after saving 0: %v", settingsValues(t, doc))
	}
	if resp, doc := f.submit(t, "/settings", settingsForm("page_size", "25", "list_sort", "date-asc", "undo_send", "31")); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(doc.Find(`[data-testid="settings-error"]`).Text(), "0 to 30 seconds") {
		t.Fatalf("undo_send=31: %d %q", resp.StatusCode, doc.Find(`[data-testid="settings-error"]`).Text())
	}
	f.saveSettings(t, "page_size", "25", "list_sort", "date-asc", "undo_send", "20")
	if _, doc := f.open(t, "/settings"); settingsValues(t, doc)["undo_send"] != "20" {
		t.Fatalf("undo_send after saving 20: %v", settingsValues(t, doc))
	}
	// A refused form from before the field still shows the delay in force,
	// so saving it again cannot reset it to the menu's first choice.
	if resp, doc := f.submit(t, "/settings", settingsForm("page_size", "7")); resp.StatusCode != http.StatusBadRequest || settingsValues(t, doc)["undo_send"] != "20" {
		t.Fatalf("refused older form: %d, shows %v", resp.StatusCode, settingsValues(t, doc))
	}
	_, doc = f.open(t, "/mail/INBOX")
	if got := rowUIDs(t, doc); !slices.Equal(got, ascending[:25]) {
		t.Fatalf("list with the settings: %v, want the 25 oldest %v", got, ascending[:25])
	}
	next := doc.Find(`[data-testid="next-page"]`).AttrOr("href", "")
	if strings.Contains(next, "order=") || strings.Contains(next, "sort=") {
		t.Errorf("next page link %q spells out the user's default sort", next)
	}
	_, page2 := f.open(t, next)
	if got := rowUIDs(t, page2); !slices.Equal(got, ascending[25:50]) {
		t.Fatalf("page 2 with 25 a page: %v", got)
	}
	// The column's other order is still one click away.
	_, doc = f.open(t, "/mail/INBOX?order=desc")
	if got := rowUIDs(t, doc); len(got) != 25 || got[0] < got[24] {
		t.Fatalf("newest first on request: %v", got)
	}

	// Conversations by default; the flat list is still a link away.
	f.saveSettings(t, "page_size", "100", "list_view", "threads")
	_, doc = f.open(t, "/mail/INBOX")
	if doc.Find(`[data-testid="view-threads"][aria-current]`).Length() != 1 {
		t.Fatal("the list does not open as conversations")
	}
	flat := doc.Find(`[data-testid="view-messages"]`).AttrOr("href", "")
	if !strings.Contains(flat, "view=messages") {
		t.Fatalf("messages link %q", flat)
	}
	_, doc = f.open(t, flat)
	if doc.Find(`[data-testid="view-messages"][aria-current]`).Length() != 1 || len(rowUIDs(t, doc)) != 100 {
		t.Fatalf("flat list from the link: %d rows", len(rowUIDs(t, doc)))
	}
}

// TestSettingsMarkRead: the mark-read setting decides what opening a
// message does: never, after a delay (the page asks message.js to), or at
// once.
func TestSettingsMarkRead(t *testing.T) {
	f := newListFixture(t)
	_, doc := f.open(t, "/mail/INBOX?filter=unread")
	unread := rowUIDs(t, doc)
	if len(unread) == 0 {
		t.Fatal("no unread message in the demo inbox")
	}
	uid := unread[0]
	imapc := f.mailClient(t)
	seen := func() bool {
		t.Helper()
		nav, err := imapc.MessageNav(context.Background(), "INBOX", uid)
		if err != nil {
			t.Fatal(err)
		}
		return nav.Seen
	}
	open := func() *goquery.Selection {
		t.Helper()
		resp, doc := f.open(t, fmt.Sprintf("/mail/INBOX/%d", uid))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("open message: %d", resp.StatusCode)
		}
		return doc.Find(`article[data-testid="message"]`)
	}

	f.saveSettings(t, "mark_read", "never")
	if article := open(); seen() || article.AttrOr("data-mark-read-after", "") != "" {
		t.Fatalf("never: seen=%v, data-mark-read-after=%q", seen(), article.AttrOr("data-mark-read-after", ""))
	}
	_, doc = f.open(t, "/settings")
	if got := settingsValues(t, doc); got["mark_read"] != "never" {
		t.Fatalf("settings page after choosing never: %v", got)
	}

	f.saveSettings(t, "mark_read", "delay", "mark_read_delay", "7")
	if article := open(); seen() || article.AttrOr("data-mark-read-after", "") != "7" {
		t.Fatalf("delay 7: seen=%v, data-mark-read-after=%q", seen(), article.AttrOr("data-mark-read-after", ""))
	}
	_, doc = f.open(t, "/settings")
	if got := settingsValues(t, doc); got["mark_read"] != "delay" || got["mark_read_delay"] != "7" {
		t.Fatalf("settings page after choosing 7 s: %v", got)
	}

	f.saveSettings(t, "mark_read", "now", "mark_read_delay", "7")
	if open(); !seen() {
		t.Fatal("immediately: the opened message is still unread")
	}
}

// TestSettingsRefusals: values the form never offers are refused with a
// message saying what to choose, on the field concerned, and nothing of
// that form is saved.
func TestSettingsRefusals(t *testing.T) {
	f := newListFixture(t)
	for _, tc := range []struct {
		changes []string
		field   string
		message string
	}{
		{[]string{"page_size", "30"}, "page_size", "25, 50, 100 or 200"},
		{[]string{"page_size", "lots"}, "page_size", "25, 50, 100 or 200"},
		{[]string{"page_size", ""}, "page_size", "how many messages a page shows"},
		{[]string{"page_size", "25", "list_view", "cards"}, "list_view", "one line per message or conversations"},
		{[]string{"page_size", "25", "list_sort", "date-sideways"}, "list_sort", "how lists are sorted"},
		{[]string{"page_size", "25", "mark_read", "sometimes"}, "mark_read", "immediately, after a delay or never"},
		{[]string{"page_size", "25", "mark_read", "delay", "mark_read_delay", "0"}, "mark_read_delay", "from 1 to 300"},
		{[]string{"page_size", "25", "mark_read", "delay", "mark_read_delay", "301"}, "mark_read_delay", "from 1 to 300"},
		{[]string{"page_size", "25", "mark_read", "delay", "mark_read_delay", "2.5"}, "mark_read_delay", "whole number of seconds"},
		{[]string{"page_size", "25", "mark_read", "delay", "mark_read_delay", ""}, "mark_read_delay", "whole number of seconds"},
	} {
		resp, doc := f.submit(t, "/settings", settingsForm(tc.changes...))
		msg := doc.Find(`[data-testid="settings-error"]`).Text()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg, tc.message) {
			t.Errorf("%v: %d %q, want 400 saying %q", tc.changes, resp.StatusCode, msg, tc.message)
			continue
		}
		if strings.Contains(msg, "strconv") || strings.Contains(msg, "store:") {
			t.Errorf("%v: internals in the message %q", tc.changes, msg)
		}
		invalid := doc.Find(`[aria-invalid="true"]`)
		if invalid.Length() == 0 || invalid.AttrOr("name", "") != tc.field || invalid.AttrOr("aria-describedby", "") != "settings-error" {
			t.Errorf("%v: field marked invalid %q, want %s", tc.changes, invalid.AttrOr("name", ""), tc.field)
		}
		// The form comes back as sent, to correct rather than refill.
		if got := doc.Find(`input[name="mark_read_delay"]`).AttrOr("value", ""); got != settingsForm(tc.changes...).Get("mark_read_delay") {
			t.Errorf("%v: delay field came back as %q", tc.changes, got)
		}
	}
	_, doc := f.open(t, "/mail/INBOX")
	if n := doc.Find(`[data-testid="message-row"]`).Length(); n != 50 {
		t.Fatalf("refused forms changed the page size: %d rows", n)
	}
	_, doc = f.open(t, "/settings")
	if got := settingsValues(t, doc); got["page_size"] != "50" || got["mark_read"] != "now" {
		t.Fatalf("refused forms were saved: %v", got)
	}
}

// TestSettingsNeedCSRF: a save without the session's token is refused and
// changes nothing.
func TestSettingsNeedCSRF(t *testing.T) {
	f := newListFixture(t)
	for name, token := range map[string]string{"missing": "", "wrong": strings.Repeat("x", len(f.token))} {
		form := settingsForm("page_size", "25")
		resp, err := f.browser.PostForm(f.http.URL+"/settings", url.Values(map[string][]string{
			"csrf": {token}, "page_size": form["page_size"], "list_view": form["list_view"],
			"list_sort": form["list_sort"], "mark_read": form["mark_read"], "mark_read_delay": form["mark_read_delay"],
		}))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s token: %d, want 403", name, resp.StatusCode)
		}
	}
	_, doc := f.open(t, "/mail/INBOX")
	if n := doc.Find(`[data-testid="message-row"]`).Length(); n != 50 {
		t.Fatalf("a forged save changed the page size: %d rows", n)
	}
}

// settingsFixture is the demo mail server with the handlers on db, and a
// browser signed in, with read-your-writes for a minute after a change.
func settingsFixture(t *testing.T, db *store.DB) *listFixture {
	t.Helper()
	mailSrv, err := demo.Start(context.Background(), demo.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mailSrv.Close() })
	deps, mem := testDeps(t, mailSrv.IMAPAddr)
	deps.DB = db
	deps.HTTP.StickyWindow = time.Minute
	srv := deps.server()
	hs := httptest.NewServer(srv.Routes())
	t.Cleanup(hs.Close)
	f := &listFixture{fixture: &fixture{server: srv, http: hs, sessions: mem, mail: mailSrv, pool: deps.Pool}}
	f.browser = f.client()
	resp, doc := f.login(t, f.browser, demo.DefaultUser, demo.DefaultPassword)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	f.token = doc.Find("body").AttrOr("data-csrf", "")
	return f
}

// migratedMariaDB opens m's primary alone and migrates it, replicated.
func migratedMariaDB(t *testing.T, m *testenv.MariaDB) *store.DB {
	t.Helper()
	db, err := store.Open(store.Options{WriteDSN: m.PrimaryDSN})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.WaitReplicated(t)
	return db
}

// withoutWindow is a browser with browser's cookies but the read-your-
// writes one: its reads go to a replica again.
func withoutWindow(t *testing.T, base string, browser *http.Client) *http.Client {
	t.Helper()
	u, _ := url.Parse(base)
	jar, _ := cookiejar.New(nil)
	var kept []*http.Cookie
	for _, c := range browser.Jar.Cookies(u) {
		if c.Name != "webmail_rw" {
			kept = append(kept, &http.Cookie{Name: c.Name, Value: c.Value, Path: "/"})
		}
	}
	jar.SetCookies(u, kept)
	return &http.Client{Jar: jar, Timeout: browser.Timeout}
}

// TestSettingsReadYourWrites: right after a save the user's reads go to
// the primary, so the new setting shows even from a replica that has not
// caught up. The replica here is one that never will (another database),
// which makes the read-your-writes path the only way to the new value.
func TestSettingsReadYourWrites(t *testing.T) {
	fresh, stale := testenv.NewMariaDB(t), testenv.NewMariaDB(t)
	migratedMariaDB(t, fresh)
	migratedMariaDB(t, stale)
	db, err := store.Open(store.Options{WriteDSN: fresh.PrimaryDSN, ReadDSNs: []string{stale.ReplicaDSN}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := settingsFixture(t, db)
	f.saveSettings(t, "page_size", "25")

	_, doc := f.open(t, "/settings?done=saved")
	if got := settingsValues(t, doc); got["page_size"] != "25" {
		t.Fatalf("the settings page right after saving shows %v", got)
	}
	_, doc = f.open(t, "/mail/INBOX")
	if n := doc.Find(`[data-testid="message-row"]`).Length(); n != 25 {
		t.Fatalf("the list right after saving has %d rows, want 25", n)
	}
	// The same requests without the window read the stale replica: the
	// test would notice reads that skipped the read-your-writes path.
	other := withoutWindow(t, f.http.URL, f.browser)
	_, doc = get(t, other, f.http.URL+"/mail/INBOX")
	if n := doc.Find(`[data-testid="message-row"]`).Length(); n != 50 {
		t.Fatalf("without the window: %d rows, want the stale replica's default 50", n)
	}
}

// TestSettingsPrimaryDown: with the primary database down, the settings
// page and the mail still show (from the replica), and saving fails with
// the clear 503 page instead of an error or a silent loss.
func TestSettingsPrimaryDown(t *testing.T) {
	m := testenv.NewMariaDB(t)
	setup := migratedMariaDB(t, m)
	user, err := setup.RecordLogin(context.Background(), demo.DefaultUser)
	if err != nil {
		t.Fatal(err)
	}
	if err := setup.SetPref(context.Background(), user.ID, "page_size", "25"); err != nil {
		t.Fatal(err)
	}
	m.WaitReplicated(t)
	// A primary that is down: nothing listens on its port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := ln.Addr().String()
	ln.Close()
	deadDSN := fmt.Sprintf("%s:%s@tcp(%s)/%s?parseTime=true", m.User, m.Password, deadAddr, m.Database)
	db, err := store.Open(store.Options{WriteDSN: deadDSN, ReadDSNs: []string{m.ReplicaDSN}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := settingsFixture(t, db)

	_, doc := f.open(t, "/mail/INBOX")
	if n := doc.Find(`[data-testid="message-row"]`).Length(); n != 25 {
		t.Fatalf("with the primary down the list has %d rows, want the saved 25", n)
	}
	resp, doc := f.open(t, "/settings")
	if got := settingsValues(t, doc); resp.StatusCode != http.StatusOK || got["page_size"] != "25" {
		t.Fatalf("settings page with the primary down: %d %v", resp.StatusCode, got)
	}
	resp, doc = f.submit(t, "/settings", settingsForm("page_size", "100"))
	msg := doc.Find(`[data-testid="error-message"]`).Text()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(msg, "Saving is unavailable right now") {
		t.Fatalf("save with the primary down: %d %q", resp.StatusCode, msg)
	}
	if strings.Contains(msg, "store:") || strings.Contains(msg, "dial") || strings.Contains(msg, deadAddr) {
		t.Fatalf("internals in the message %q", msg)
	}
}

// TestSidebarShowsSubscribedFolders: on the demo server (its own LIST
// over go-imap's in-memory server), unsubscribing a folder on /folders
// takes it out of the sidebar, which still shows INBOX, the special-use
// folders, a parent whose child is subscribed, and the folder while it is
// open; /folders keeps listing it; subscribing brings it back.
func TestSidebarShowsSubscribedFolders(t *testing.T) {
	f := newListFixture(t)
	sidebar := func(path string) []string {
		t.Helper()
		resp, doc := f.open(t, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		var out []string
		doc.Find(`nav.folders [data-testid="folder"]`).Each(func(_ int, s *goquery.Selection) {
			out = append(out, s.AttrOr("href", ""))
		})
		return out
	}
	subscribe := func(folder, on string) {
		t.Helper()
		resp, _ := f.submit(t, "/folders/subscribe", url.Values{"folder": {folder}, "subscribed": {on}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("subscribe %s=%s: %d", folder, on, resp.StatusCode)
		}
	}
	always := []string{"/mail/INBOX", "/mail/Drafts", "/mail/Sent", "/mail/Archive", "/mail/Junk", "/mail/Trash"}
	before := sidebar("/mail/INBOX")
	for _, want := range append(always, "/mail/Receipts", "/mail/Projects", "/mail/Projects%2FWebmail") {
		if !slices.Contains(before, want) {
			t.Fatalf("sidebar %v lacks %s before any change", before, want)
		}
	}

	subscribe("Receipts", "0")
	subscribe("Projects", "0")
	subscribe("Trash", "0")
	after := sidebar("/mail/INBOX")
	if slices.Contains(after, "/mail/Receipts") {
		t.Fatalf("unsubscribed Receipts still in the sidebar %v", after)
	}
	for _, want := range append(always, "/mail/Projects", "/mail/Projects%2FWebmail") {
		if !slices.Contains(after, want) {
			t.Errorf("sidebar %v lacks %s (special-use, or the parent of a subscribed folder)", after, want)
		}
	}
	if open := sidebar("/mail/Receipts"); !slices.Contains(open, "/mail/Receipts") {
		t.Errorf("the open folder is not in the sidebar %v", open)
	}
	_, doc := f.open(t, "/folders")
	row := doc.Find(`tr[data-testid="folder-row"][data-folder="Receipts"]`)
	if row.Length() != 1 || row.Find(`[data-testid="subscribe"]`).Length() != 1 {
		t.Fatal("/folders does not list Receipts as unsubscribed")
	}

	subscribe("Receipts", "1")
	if got := sidebar("/mail/INBOX"); !slices.Contains(got, "/mail/Receipts") {
		t.Fatalf("subscribed again, Receipts is not back in %v", got)
	}
}

// TestSidebarSubscriptionsDovecot: the same on Dovecot, with a folder
// made on /folders (which subscribes it) and one made by another program
// without subscribing.
func TestSidebarSubscriptionsDovecot(t *testing.T) {
	f := newMsgFixture(t)
	token := f.csrf(t)
	sidebar := func() []string {
		t.Helper()
		_, doc := f.page(t, "/mail/INBOX")
		var out []string
		doc.Find(`nav.folders [data-testid="folder"]`).Each(func(_ int, s *goquery.Selection) {
			out = append(out, s.AttrOr("href", ""))
		})
		return out
	}
	if resp, _ := f.post(t, "/folders/create", url.Values{"csrf": {token}, "name": {"Projects"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	if err := f.imap(t).Create("Elsewhere", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	got := sidebar()
	if !slices.Contains(got, "/mail/Projects") || slices.Contains(got, "/mail/Elsewhere") || !slices.Contains(got, "/mail/Trash") {
		t.Fatalf("sidebar %v: want Projects (subscribed on creation) and Trash, not Elsewhere", got)
	}
	if resp, _ := f.post(t, "/folders/subscribe", url.Values{"csrf": {token}, "folder": {"Projects"}, "subscribed": {"0"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("unsubscribe: %d", resp.StatusCode)
	}
	if got := sidebar(); slices.Contains(got, "/mail/Projects") {
		t.Fatalf("unsubscribed Projects still in the sidebar %v", got)
	}
	// The mailbox list itself still has it, for /folders.
	boxes := mailboxNames(t, f)
	if !slices.Contains(boxes, "Projects") || !slices.Contains(boxes, "Elsewhere") {
		t.Fatalf("mailboxes %v", boxes)
	}
}

// mailboxNames lists the Dovecot user's mailboxes through the mail package.
func mailboxNames(t *testing.T, f *msgFixture) []string {
	t.Helper()
	ep, err := mail.ParseIMAPURL("imap://" + f.env.IMAPAddr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := mail.DialIMAP(context.Background(), ep, f.email, f.password, mail.DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	boxes, err := c.Mailboxes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range boxes {
		out = append(out, b.Name)
	}
	return out
}
