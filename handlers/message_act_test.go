package handlers_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/internal/demo"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/store"
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

// TestMessagePageActsLikeTheList: delete, archive, junk and not junk on
// the message page do what the list does with a message, also when Trash,
// Archive and Junk do not exist yet: they are created. (Without a Trash
// folder the page once deleted for good.) Both offer the same folders to
// move to.
func TestMessagePageActsLikeTheList(t *testing.T) {
	f := newListFixture(t)
	raw, err := imapclient.DialInsecure(f.mail.IMAPAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.Login(demo.DefaultUser, demo.DefaultPassword).Wait(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Trash", "Archive", "Junk"} {
		if err := raw.Delete(name).Wait(); err != nil {
			t.Fatalf("delete %s: %v", name, err)
		}
	}
	direct := f.mailClient(t)
	inbox := summaries(t, direct, "INBOX")
	pageOf := func(mailbox string, uid uint32) string { return fmt.Sprintf("/mail/%s/%d", mailbox, uid) }

	// The same move menu; Archive is offered though there is no folder yet.
	options := func(doc *goquery.Document, sel string) []string {
		var out []string
		doc.Find(sel + " option").Each(func(_ int, o *goquery.Selection) {
			if v, _ := o.Attr("value"); v != "" {
				out = append(out, v+"="+o.Text())
			}
		})
		return out
	}
	_, listDoc := f.open(t, "/mail/INBOX")
	_, msgDoc := f.open(t, pageOf("INBOX", inbox[0].UID))
	if fromList, fromPage := options(listDoc, `[data-testid="move-target"]`), options(msgDoc, `[data-testid="action-target"]`); len(fromList) == 0 || !slices.Equal(fromList, fromPage) {
		t.Errorf("move menus differ: list %q, page %q", fromList, fromPage)
	}
	if msgDoc.Find(`[data-testid="action-archive"]`).Length() != 1 {
		t.Error("the page offers no Archive without an Archive folder")
	}

	next := inbox[len(inbox)-1].UID
	for i, tc := range []struct{ action, folder, done, status string }{
		{"delete", "Trash", "deleted", "Message moved to Trash."},
		{"archive", "Archive", "archived", "Message archived."},
		{"junk", "Junk", "junk", "Marked as junk."},
	} {
		fromPage, fromList := inbox[2*i], inbox[2*i+1]
		resp, _ := f.submit(t, pageOf("INBOX", fromPage.UID)+"/actions", url.Values{"action": {tc.action}, "next": {uidString(next)}})
		want := pageOf("INBOX", next) + "?done=" + tc.done
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Fatalf("%s from the page: %d → %q, want 303 → %q", tc.action, resp.StatusCode, resp.Header.Get("Location"), want)
		}
		if _, doc := f.open(t, want); doc.Find(`[data-testid="status"]`).Text() != tc.status {
			t.Errorf("%s from the page: status %q", tc.action, doc.Find(`[data-testid="status"]`).Text())
		}
		if status, answer := f.call(t, "/mail/INBOX/actions", url.Values{"action": {tc.action}, "uid": uidValues(fromList.UID)}); status != http.StatusOK || answer["removed"] != true {
			t.Fatalf("%s from the list: %d %v", tc.action, status, answer)
		}
		for _, m := range []mail.Summary{fromPage, fromList} {
			if findCopy(t, direct, tc.folder, m) == 0 || findCopy(t, direct, "INBOX", m) != 0 {
				t.Errorf("%s: %q is not (only) in %s", tc.action, m.Subject, tc.folder)
			}
		}
	}
	if junk := f.keywordUIDs(t, "Junk", "$Junk"); len(junk) != 2 {
		t.Errorf("Junk holds %v with $Junk, want both junked messages", junk)
	}

	// Not junk: from Junk back to the inbox, with $NotJunk.
	junk := summaries(t, direct, "Junk")
	resp, _ := f.submit(t, pageOf("Junk", junk[0].UID)+"/actions", url.Values{"action": {"notjunk"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/mail/Junk?done=notjunk" {
		t.Fatalf("not junk from the page: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, answer := f.call(t, "/mail/Junk/actions", url.Values{"action": {"notjunk"}, "uid": uidValues(junk[1].UID)}); status != http.StatusOK || answer["removed"] != true {
		t.Fatalf("not junk from the list: %d %v", status, answer)
	}
	notJunk := f.keywordUIDs(t, "INBOX", "$NotJunk")
	for _, m := range junk[:2] {
		if uid := findCopy(t, direct, "INBOX", m); uid == 0 || !slices.Contains(notJunk, uid) {
			t.Errorf("not junk: %q is not back in INBOX with $NotJunk", m.Subject)
		}
	}
}

// TestUnrecordedLoginIsRecorded: when the database missed a login (it
// was down then), trusting a sender and saving the settings record it
// rather than fail.
func TestUnrecordedLoginIsRecorded(t *testing.T) {
	f := newMsgFixture(t)
	ctx := t.Context()
	uid := f.appendMessages(t, "INBOX", loadEML(t, "rich-html.eml"))[0]
	token := f.csrf(t)
	forget := func() {
		t.Helper()
		if _, err := f.db.Write().ExecContext(ctx, `DELETE FROM users WHERE email = ?`, f.email); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.UserByEmail(ctx, f.email); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the user is still recorded: %v", err)
		}
	}

	forget()
	resp, _ := f.post(t, fmt.Sprintf("/mail/INBOX/%d/trust-sender", uid), url.Values{"sender": {"news@shop.example"}, "trust": {"1"}, "csrf": {token}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("trust: %d", resp.StatusCode)
	}
	user, err := f.db.UserByEmail(ctx, f.email)
	if err != nil {
		t.Fatalf("trusting did not record the user: %v", err)
	}
	if ok, err := f.db.IsTrustedSender(ctx, user.ID, "news@shop.example"); err != nil || !ok {
		t.Fatalf("sender not trusted: %v %v", ok, err)
	}

	forget()
	form := settingsForm("page_size", "25")
	form.Set("csrf", token)
	resp, _ = f.post(t, "/settings", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?done=saved" {
		t.Fatalf("save: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	user, err = f.db.UserByEmail(ctx, f.email)
	if err != nil {
		t.Fatalf("saving did not record the user: %v", err)
	}
	if prefs, err := f.db.Prefs(ctx, user.ID); err != nil || prefs["page_size"] != "25" {
		t.Fatalf("settings not saved: %v %v", prefs, err)
	}
}
