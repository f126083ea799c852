package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/emersion/go-imap/v2"
)

// TestMessageActions drives the message page's action form against
// Dovecot: neighbours for j/k, flag, mark unread, move, copy, delete to
// Trash and for good in Trash, archive, junk and not junk, and the
// refusals.
func TestMessageActions(t *testing.T) {
	f := newMsgFixture(t)
	var raws [][]byte
	for i := 1; i <= 6; i++ {
		raws = append(raws, plainEML(i))
	}
	u := f.appendMessages(t, "INBOX", raws...)
	msgURL := func(mailbox string, uid uint32) string {
		return fmt.Sprintf("/mail/%s/%d", url.PathEscape(mailbox), uid)
	}
	token := f.csrf(t)
	act := func(mailbox string, uid uint32, action string, extra ...string) (*http.Response, string) {
		t.Helper()
		form := url.Values{"action": {action}, "csrf": {token}}
		for i := 0; i+1 < len(extra); i += 2 {
			form.Set(extra[i], extra[i+1])
		}
		resp, doc := f.post(t, msgURL(mailbox, uid)+"/actions", form)
		return resp, doc.Find(`[data-testid="error-message"]`).Text()
	}
	redirect := func(resp *http.Response, want string) {
		t.Helper()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Fatalf("got %d → %q, want 303 → %q", resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}

	// The page: neighbours (newest first), the form, opening marks read.
	_, doc := f.page(t, msgURL("INBOX", u[2]))
	page := doc.Find(`article[data-testid="message"]`)
	if v, _ := page.Attr("data-newer-url"); v != msgURL("INBOX", u[3]) {
		t.Errorf("newer %q", v)
	}
	if v, _ := page.Attr("data-older-url"); v != msgURL("INBOX", u[1]) {
		t.Errorf("older %q", v)
	}
	if v, _ := page.Attr("data-back-url"); v != "/mail/INBOX" {
		t.Errorf("back %q", v)
	}
	form := doc.Find(`form[data-testid="actions"]`)
	if next, _ := form.Find(`input[name="next"]`).Attr("value"); next != fmt.Sprint(u[1]) {
		t.Errorf("next %q", next)
	}
	var targets []string
	form.Find(`select[name="target"] option`).Each(func(_ int, o *goquery.Selection) {
		v, _ := o.Attr("value")
		targets = append(targets, v)
	})
	if !slices.Contains(targets, "Archive") || slices.Contains(targets, "INBOX") {
		t.Errorf("move targets %q", targets)
	}
	for _, key := range []string{"f", "#", "e"} {
		if form.Find(`button[data-key="`+key+`"]`).Length() != 1 {
			t.Errorf("no button for shortcut %q", key)
		}
	}
	if doc.Find(`details[data-testid="shortcuts"]`).Length() != 1 {
		t.Error("no shortcut help")
	}
	if seen := f.uids(t, "INBOX", &imap.SearchCriteria{Flag: []imap.Flag{imap.FlagSeen}}); !slices.Equal(seen, []uint32{u[2]}) {
		t.Errorf("seen after opening: %v", seen)
	}

	// Flag, then the page offers Unflag and says what happened.
	resp, _ := act("INBOX", u[2], "flag")
	redirect(resp, msgURL("INBOX", u[2])+"?done=flagged")
	_, doc = f.page(t, resp.Header.Get("Location"))
	if doc.Find(`[data-testid="action-unflag"]`).Length() != 1 || doc.Find(`[data-testid="status"]`).Text() != "Message flagged." {
		t.Error("after flagging: no Unflag button or status")
	}
	if flagged := f.uids(t, "INBOX", &imap.SearchCriteria{Flag: []imap.Flag{imap.FlagFlagged}}); !slices.Equal(flagged, []uint32{u[2]}) {
		t.Errorf("flagged: %v", flagged)
	}
	resp, _ = act("INBOX", u[2], "unflag")
	redirect(resp, msgURL("INBOX", u[2])+"?done=unflagged")

	// Mark unread: back to the list, and it stays unread.
	resp, _ = act("INBOX", u[2], "unread")
	redirect(resp, "/mail/INBOX?done=unread")
	if seen := f.uids(t, "INBOX", &imap.SearchCriteria{Flag: []imap.Flag{imap.FlagSeen}}); len(seen) != 0 {
		t.Errorf("seen after mark unread: %v", seen)
	}
	// The delayed mark-read of message.js: 204, no page.
	resp, _ = act("INBOX", u[2], "read", "async", "1")
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("async read = %d", resp.StatusCode)
	}

	// Copy stays; move goes to the next message.
	resp, _ = act("INBOX", u[2], "copy", "target", "Drafts")
	redirect(resp, msgURL("INBOX", u[2])+"?done=copied")
	resp, _ = act("INBOX", u[2], "move", "target", "Drafts", "next", fmt.Sprint(u[1]))
	redirect(resp, msgURL("INBOX", u[1])+"?done=moved")
	if n := len(f.uids(t, "Drafts", nil)); n != 2 {
		t.Errorf("Drafts has %d messages, want 2", n)
	}

	// Delete: to Trash; in Trash, for good.
	resp, _ = act("INBOX", u[5], "delete")
	redirect(resp, "/mail/INBOX?done=deleted")
	trash := f.uids(t, "Trash", nil)
	if len(trash) != 1 || slices.Contains(f.uids(t, "INBOX", nil), u[5]) {
		t.Fatalf("after delete: Trash %v", trash)
	}
	_, doc = f.page(t, msgURL("Trash", trash[0]))
	if del := doc.Find(`[data-testid="action-delete"]`); del.Text() != "Delete forever" || del.AttrOr("data-confirm", "") == "" {
		t.Errorf("delete in Trash: %q", del.Text())
	}
	resp, _ = act("Trash", trash[0], "delete")
	redirect(resp, "/mail/Trash?done=expunged")
	if n := len(f.uids(t, "Trash", nil)); n != 0 {
		t.Errorf("Trash after delete forever: %d", n)
	}

	// Archive.
	resp, _ = act("INBOX", u[0], "archive")
	redirect(resp, "/mail/INBOX?done=archived")
	if n := len(f.uids(t, "Archive", nil)); n != 1 {
		t.Errorf("Archive has %d", n)
	}

	// Junk: flagged $Junk and moved; from Junk, not junk goes back to the inbox.
	resp, _ = act("INBOX", u[3], "junk", "next", fmt.Sprint(u[1]))
	redirect(resp, msgURL("INBOX", u[1])+"?done=junk")
	junk := f.uids(t, "Junk", &imap.SearchCriteria{Flag: []imap.Flag{"$Junk"}})
	if len(junk) != 1 {
		t.Fatalf("Junk holds %v with $Junk", junk)
	}
	_, doc = f.page(t, msgURL("Junk", junk[0]))
	if doc.Find(`[data-testid="action-notjunk"]`).Length() != 1 {
		t.Error("no Not junk button in Junk")
	}
	resp, _ = act("Junk", junk[0], "notjunk")
	redirect(resp, "/mail/Junk?done=notjunk")
	back := f.uids(t, "INBOX", &imap.SearchCriteria{Flag: []imap.Flag{"$NotJunk"}, NotFlag: []imap.Flag{"$Junk"}})
	if len(back) != 1 {
		t.Errorf("not junk: INBOX has %v with $NotJunk", back)
	}

	// Refusals: clear messages, nothing moved.
	for _, tc := range []struct {
		action string
		extra  []string
		status int
		text   string
	}{
		{"move", nil, http.StatusBadRequest, "Choose a folder"},
		{"move", []string{"target", "No such folder"}, http.StatusBadRequest, "does not exist"},
		{"copy", []string{"target", "INBOX"}, http.StatusBadRequest, "already in that folder"},
		{"explode", nil, http.StatusBadRequest, "not known"},
	} {
		resp, msg := act("INBOX", u[1], tc.action, tc.extra...)
		if resp.StatusCode != tc.status || !strings.Contains(msg, tc.text) {
			t.Errorf("%s %v: %d %q", tc.action, tc.extra, resp.StatusCode, msg)
		}
	}
	resp, _ = f.post(t, msgURL("INBOX", u[1])+"/actions", url.Values{"action": {"delete"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("action without CSRF token = %d", resp.StatusCode)
	}
	if !slices.Contains(f.uids(t, "INBOX", nil), u[1]) {
		t.Error("a refused action moved the message")
	}
}
