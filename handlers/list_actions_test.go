package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/internal/demo"
	"github.com/webmail/webmail/mail"
)

// TestListActionsWithoutScripts drives every action the way a browser
// without JavaScript does: a form post, a 303 back to the list, and a
// status line there, read once.
func TestListActionsWithoutScripts(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	inbox := summaries(t, direct, "INBOX")
	a, b, c, d := inbox[0], inbox[1], inbox[2], inbox[3]

	act := func(path string, form url.Values, wantStatus string) {
		t.Helper()
		if form.Get("return") == "" {
			form.Set("return", "/mail/INBOX?sort=subject")
		}
		resp, _ := f.submit(t, path, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%v: %d, want 303", form, resp.StatusCode)
		}
		loc := resp.Header.Get("Location")
		if loc != form.Get("return") {
			t.Fatalf("%v: back to %q", form, loc)
		}
		_, doc := f.open(t, loc)
		if got := statusLine(doc); got != wantStatus {
			t.Fatalf("%v: status %q, want %q", form, got, wantStatus)
		}
		if _, again := f.open(t, loc); statusLine(again) != "" {
			t.Fatalf("the status line showed twice")
		}
	}
	flagOf := func(mailbox string, uid uint32) mail.Summary {
		t.Helper()
		for _, s := range summaries(t, direct, mailbox) {
			if s.UID == uid {
				return s
			}
		}
		t.Fatalf("UID %d not in %s", uid, mailbox)
		return mail.Summary{}
	}

	act("/mail/INBOX/actions", url.Values{"action": {"flag"}, "uid": uidValues(a.UID, b.UID)}, "Flagged 2 messages.")
	if !flagOf("INBOX", a.UID).Flagged || !flagOf("INBOX", b.UID).Flagged {
		t.Fatal("not flagged")
	}
	act("/mail/INBOX/actions", url.Values{"action": {"unflag"}, "uid": uidValues(a.UID)}, "Removed the flag from 1 message.")
	act("/mail/INBOX/actions", url.Values{"action": {"read"}, "uid": uidValues(a.UID, b.UID, c.UID)}, "Marked 3 messages as read.")
	act("/mail/INBOX/actions", url.Values{"action": {"unread"}, "uid": uidValues(b.UID)}, "Marked 1 message as unread.")
	if s := flagOf("INBOX", a.UID); s.Flagged || !s.Seen {
		t.Fatalf("a: %+v", s)
	}
	if s := flagOf("INBOX", b.UID); !s.Flagged || s.Seen {
		t.Fatalf("b: %+v", s)
	}

	act("/mail/INBOX/actions", url.Values{"action": {"copy"}, "uid": uidValues(a.UID), "target": {"Receipts"}}, "Copied 1 message to Receipts.")
	if findCopy(t, direct, "Receipts", a) == 0 || findCopy(t, direct, "INBOX", a) != a.UID {
		t.Fatal("copy did not copy")
	}
	act("/mail/INBOX/actions", url.Values{"action": {"move"}, "uid": uidValues(a.UID), "target": {"Projects/Webmail"}}, "Moved 1 message to Webmail.")
	if findCopy(t, direct, "Projects/Webmail", a) == 0 || findCopy(t, direct, "INBOX", a) != 0 {
		t.Fatal("move did not move")
	}
	act("/mail/INBOX/actions", url.Values{"action": {"archive"}, "uid": uidValues(b.UID)}, "Archived 1 message in Archive.")
	if findCopy(t, direct, "Archive", b) == 0 || findCopy(t, direct, "INBOX", b) != 0 {
		t.Fatal("archive did not move")
	}

	// Delete moves to Trash; in Trash it asks, then deletes for good.
	act("/mail/INBOX/actions", url.Values{"action": {"delete"}, "uid": uidValues(c.UID)}, "Moved 1 message to Trash.")
	inTrash := findCopy(t, direct, "Trash", c)
	if inTrash == 0 || findCopy(t, direct, "INBOX", c) != 0 {
		t.Fatal("delete did not move to Trash")
	}
	resp, doc := f.submit(t, "/mail/Trash/actions", url.Values{"action": {"delete"}, "uid": uidValues(inTrash), "return": {"/mail/Trash"}})
	if resp.StatusCode != http.StatusOK || doc.Find(`[data-testid="confirm-question"]`).Text() != "Delete 1 message for good?" {
		t.Fatalf("delete in Trash without confirming: %d %q", resp.StatusCode, doc.Find(`[data-testid="confirm-question"]`).Text())
	}
	if findCopy(t, direct, "Trash", c) == 0 {
		t.Fatal("deleted before confirming")
	}
	confirm := url.Values{}
	doc.Find(`[data-testid="confirm-form"] input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		value, _ := s.Attr("value")
		confirm.Add(name, value)
	})
	if action, _ := doc.Find(`[data-testid="confirm-form"]`).Attr("action"); action != "/mail/Trash/actions" || confirm.Get("confirm") != "yes" {
		t.Fatalf("confirm form posts %v to %q", confirm, action)
	}
	if href, _ := doc.Find(`[data-testid="confirm-cancel"]`).Attr("href"); href != "/mail/Trash" {
		t.Fatalf("cancel goes to %q", href)
	}
	act("/mail/Trash/actions", confirm, "Deleted 1 message for good.")
	if findCopy(t, direct, "Trash", c) != 0 {
		t.Fatal("still in Trash")
	}

	// Junk: $Junk and to Junk; not junk: $NotJunk and back to INBOX.
	act("/mail/INBOX/actions", url.Values{"action": {"junk"}, "uid": uidValues(d.UID)}, "Marked 1 message as junk and moved it to Junk.")
	inJunk := findCopy(t, direct, "Junk", d)
	if inJunk == 0 || !slices.Contains(f.keywordUIDs(t, "Junk", mail.FlagJunk), inJunk) {
		t.Fatal("junk did not move with $Junk")
	}
	act("/mail/Junk/actions", url.Values{"action": {"notjunk"}, "uid": uidValues(inJunk), "return": {"/mail/Junk"}}, "Marked 1 message as not junk and moved it to Inbox.")
	back := findCopy(t, direct, "INBOX", d)
	if back == 0 || !slices.Contains(f.keywordUIDs(t, "INBOX", mail.FlagNotJunk), back) || slices.Contains(f.keywordUIDs(t, "INBOX", mail.FlagJunk), back) {
		t.Fatal("not junk did not come back with $NotJunk")
	}

	// Empty Junk, after confirming.
	resp, doc = f.submit(t, "/mail/Junk/actions", url.Values{"action": {"empty"}, "return": {"/mail/Junk"}})
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(doc.Find(`[data-testid="confirm-question"]`).Text(), "Empty Junk?") ||
		!strings.Contains(doc.Find(`[data-testid="confirm-detail"]`).Text(), "15 messages") {
		t.Fatalf("empty without confirming: %d %q %q", resp.StatusCode, doc.Find(`[data-testid="confirm-question"]`).Text(), doc.Find(`[data-testid="confirm-detail"]`).Text())
	}
	act("/mail/Junk/actions", url.Values{"action": {"empty"}, "confirm": {"yes"}, "return": {"/mail/Junk"}}, "Emptied Junk.")
	if n := len(summaries(t, direct, "Junk")); n != 0 {
		t.Fatalf("Junk has %d messages after emptying", n)
	}

	// Mistakes the user can fix come back as a status line.
	for _, tc := range []struct {
		path string
		form url.Values
		want string
	}{
		{"/mail/INBOX/actions", url.Values{"action": {"read"}}, "Select at least one message first."},
		{"/mail/INBOX/actions", url.Values{"action": {"move"}, "uid": uidValues(d.UID)}, "Choose a folder first."},
		{"/mail/INBOX/actions", url.Values{"action": {"move"}, "uid": uidValues(back), "target": {"INBOX"}}, "The messages are in that folder already. Choose another one."},
		{"/mail/INBOX/actions", url.Values{"action": {"move"}, "uid": uidValues(back), "target": {"Nowhere"}}, "That folder does not exist any more. Reload the page to see the current folders."},
		{"/mail/INBOX/actions", url.Values{"action": {"empty"}}, "Only Trash and Junk can be emptied here."},
		{"/mail/Archive/actions", url.Values{"action": {"archive"}, "uid": {"1"}, "return": {"/mail/Archive"}}, "These messages are in the archive already."},
		{"/mail/INBOX/actions", url.Values{"action": {"read"}, "uid": {"x1"}}, "The selection could not be read. Reload the page and try again."},
		{"/mail/INBOX/actions", url.Values{"action": {"explode"}, "uid": {"1"}}, "That action is not known. Reload the page and try again."},
	} {
		act(tc.path, tc.form, tc.want)
	}

	// The way back stays on this site.
	for _, evil := range []string{"https://evil.example/", "//evil.example/mail/", "/\\evil.example", "/login", "javascript:alert(1)"} {
		resp, _ := f.submit(t, "/mail/INBOX/actions", url.Values{"action": {"read"}, "uid": uidValues(back), "return": {evil}})
		if loc := resp.Header.Get("Location"); loc != "/mail/INBOX" {
			t.Errorf("return %q redirected to %q", evil, loc)
		}
	}
	// No token, no action.
	resp, _ = f.submit(t, "/mail/INBOX/actions", url.Values{"csrf": {"forged"}, "action": {"flag"}, "uid": uidValues(back)})
	if resp.StatusCode != http.StatusForbidden || flagOf("INBOX", back).Flagged {
		t.Fatalf("forged token: %d", resp.StatusCode)
	}
}

// TestListActionsFromScripts drives the JSON side list.js uses.
func TestListActionsFromScripts(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	inbox := summaries(t, direct, "INBOX")
	trash := summaries(t, direct, "Trash")

	status, answer := f.call(t, "/mail/INBOX/actions", url.Values{"action": {"flag"}, "uid": uidValues(inbox[0].UID, inbox[1].UID)})
	if status != http.StatusOK || answer["ok"] != true || answer["message"] != "Flagged 2 messages." || answer["removed"] != false {
		t.Fatalf("flag: %d %v", status, answer)
	}
	status, answer = f.call(t, "/mail/INBOX/actions", url.Values{"action": {"archive"}, "uid": uidValues(inbox[0].UID)})
	if status != http.StatusOK || answer["removed"] != true {
		t.Fatalf("archive: %d %v", status, answer)
	}
	status, answer = f.call(t, "/mail/Trash/actions", url.Values{"action": {"delete"}, "uid": uidValues(trash[0].UID)})
	if status != http.StatusConflict || answer["confirm"] != "Delete 1 message for good?" {
		t.Fatalf("delete in Trash without confirm: %d %v", status, answer)
	}
	status, answer = f.call(t, "/mail/Trash/actions", url.Values{"action": {"delete"}, "confirm": {"yes"}, "uid": uidValues(trash[0].UID)})
	if status != http.StatusOK || answer["message"] != "Deleted 1 message for good." || len(summaries(t, direct, "Trash")) != len(trash)-1 {
		t.Fatalf("delete in Trash: %d %v", status, answer)
	}
	status, answer = f.call(t, "/mail/INBOX/actions", url.Values{"action": {"read"}})
	if status != http.StatusBadRequest || answer["ok"] != false || answer["message"] != "Select at least one message first." {
		t.Fatalf("nothing selected: %d %v", status, answer)
	}
	status, answer = f.call(t, "/mail/No%20Such/actions", url.Values{"action": {"read"}, "uid": {"1"}})
	if status != http.StatusBadRequest || !strings.HasPrefix(answer["message"].(string), "That folder does not exist") {
		t.Fatalf("missing folder: %d %v", status, answer)
	}
	// A script's action leaves no status for the next page.
	if _, doc := f.open(t, "/mail/INBOX"); statusLine(doc) != "" {
		t.Fatalf("status after a script's action: %q", statusLine(doc))
	}
}

// TestListActionsCreateSpecialFolders archives and deletes when the
// Archive and Trash folders do not exist: they are created.
func TestListActionsCreateSpecialFolders(t *testing.T) {
	f := newListFixture(t)
	raw, err := imapclient.DialInsecure(f.mail.IMAPAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.Login(demo.DefaultUser, demo.DefaultPassword).Wait(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Archive", "Trash"} {
		if err := raw.Delete(name).Wait(); err != nil {
			t.Fatalf("delete %s: %v", name, err)
		}
	}
	direct := f.mailClient(t)
	inbox := summaries(t, direct, "INBOX")
	status, answer := f.call(t, "/mail/INBOX/actions", url.Values{"action": {"archive"}, "uid": uidValues(inbox[0].UID)})
	if status != http.StatusOK || answer["message"] != "Archived 1 message in Archive." {
		t.Fatalf("archive without Archive: %d %v", status, answer)
	}
	status, answer = f.call(t, "/mail/INBOX/actions", url.Values{"action": {"delete"}, "uid": uidValues(inbox[1].UID)})
	if status != http.StatusOK || answer["message"] != "Moved 1 message to Trash." {
		t.Fatalf("delete without Trash: %d %v", status, answer)
	}
	if findCopy(t, direct, "Archive", inbox[0]) == 0 || findCopy(t, direct, "Trash", inbox[1]) == 0 {
		t.Fatal("the messages are not in the new folders")
	}
	boxes, err := direct.Mailboxes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	uses := map[string]string{}
	for _, b := range boxes {
		uses[b.Name] = b.SpecialUse
	}
	if uses["Archive"] != "archive" || uses["Trash"] != "trash" {
		t.Fatalf("new folders are not recognized: %v", uses)
	}
}
