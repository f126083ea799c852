package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// undoForm is the undo notice's form on doc: its fields, nil when the
// page offers no undo.
func undoForm(doc *goquery.Document) url.Values {
	form := doc.Find(`[data-testid="undo-notice"] form[action="/undo"]`)
	if form.Length() == 0 {
		return nil
	}
	fields := url.Values{}
	form.Find(`input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		value, _ := in.Attr("value")
		fields.Set(name, value)
	})
	return fields
}

// TestUndoWithoutScripts: after a move posted as a form, the next page
// offers the undo once, as a form; posting it moves the message back and
// the list says so. From the message page, an archive's undo leads back
// to the message. An action that cannot be undone offers nothing, and a
// changed token moves nothing.
func TestUndoWithoutScripts(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	inbox := summaries(t, direct, "INBOX")
	moved := inbox[0]

	resp, _ := f.submit(t, "/mail/INBOX/actions", url.Values{"action": {"move"}, "uid": uidValues(moved.UID),
		"target": {"Archive"}, "return": {"/mail/INBOX"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d", resp.StatusCode)
	}
	_, doc := f.open(t, resp.Header.Get("Location"))
	offer := undoForm(doc)
	if offer == nil || offer.Get("token") == "" || offer.Get("return") != "/mail/INBOX" {
		t.Fatalf("the list after the move offers %v", offer)
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="undo-notice"] .undo-message`).Text()); got != "Moved 1 message to Archive." {
		t.Errorf("the notice says %q", got)
	}
	if _, again := f.open(t, "/mail/INBOX"); undoForm(again) != nil {
		t.Fatal("the undo was offered twice")
	}
	if findCopy(t, direct, "INBOX", moved) != 0 {
		t.Fatal("the move did not move")
	}

	changed := url.Values{"token": {"x" + offer.Get("token")}, "return": {"/mail/INBOX"}}
	resp, _ = f.submit(t, "/undo", changed)
	if _, doc := f.open(t, resp.Header.Get("Location")); statusLine(doc) != "This action cannot be undone from here any more." {
		t.Fatalf("a changed token: %d to %q, status %q", resp.StatusCode, resp.Header.Get("Location"), statusLine(doc))
	}

	resp, _ = f.submit(t, "/undo", offer)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/mail/INBOX" {
		t.Fatalf("undo: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, doc := f.open(t, "/mail/INBOX"); statusLine(doc) != "Moved 1 message back to Inbox." {
		t.Fatalf("status after the undo: %q", statusLine(doc))
	}
	back := findCopy(t, direct, "INBOX", moved)
	if back == 0 || findCopy(t, direct, "Archive", moved) != 0 {
		t.Fatal("the undo did not move the message back")
	}

	// Flagging cannot be undone this way: nothing offered.
	resp, _ = f.submit(t, "/mail/INBOX/actions", url.Values{"action": {"flag"}, "uid": uidValues(back), "return": {"/mail/INBOX"}})
	if _, doc := f.open(t, resp.Header.Get("Location")); undoForm(doc) != nil {
		t.Fatal("a flag offers an undo")
	}

	// From the message page: archive, then undo on the next message's
	// page, which leads back to the message.
	next := strconv.FormatUint(uint64(inbox[1].UID), 10)
	resp, _ = f.submit(t, "/mail/INBOX/"+strconv.FormatUint(uint64(back), 10)+"/actions", url.Values{"action": {"archive"}, "next": {next}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive from the message: %d", resp.StatusCode)
	}
	_, doc = f.open(t, resp.Header.Get("Location"))
	offer = undoForm(doc)
	if offer == nil || offer.Get("return") != resp.Header.Get("Location") || !strings.HasPrefix(offer.Get("return"), "/mail/INBOX/"+next) {
		t.Fatalf("the page after archiving (%s) offers %v", resp.Header.Get("Location"), offer)
	}
	resp, _ = f.submit(t, "/undo", offer)
	loc := resp.Header.Get("Location")
	again := findCopy(t, direct, "INBOX", moved)
	if again == 0 || loc != "/mail/INBOX/"+strconv.FormatUint(uint64(again), 10)+"?done=restored" {
		t.Fatalf("undo from the message page: to %q, the message is UID %d in INBOX", loc, again)
	}
	if _, doc := f.open(t, loc); !strings.Contains(doc.Find(`[data-testid="status"], [role="status"]`).Text(), "Message moved back.") {
		t.Errorf("the message page after the undo does not say so")
	}
}

// TestUndoForScripts: list.js gets the token in the action's JSON, and
// /undo answers JSON with where the message is now.
func TestUndoForScripts(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	moved := summaries(t, direct, "INBOX")[0]
	status, answer := f.call(t, "/mail/INBOX/actions", url.Values{"action": {"delete"}, "uid": uidValues(moved.UID)})
	token, _ := answer["undo"].(string)
	if status != http.StatusOK || token == "" || answer["undo_label"] != "Undo" {
		t.Fatalf("delete: %d %v", status, answer)
	}
	status, answer = f.call(t, "/undo", url.Values{"token": {token}, "return": {"/mail/INBOX"}})
	back := findCopy(t, direct, "INBOX", moved)
	if status != http.StatusOK || answer["message"] != "Moved 1 message back to Inbox." ||
		answer["location"] != "/mail/INBOX/"+strconv.FormatUint(uint64(back), 10)+"?done=restored" {
		t.Fatalf("undo: %d %v (the message is UID %d in INBOX)", status, answer, back)
	}
	status, answer = f.call(t, "/undo", url.Values{"token": {token}, "return": {"/mail/INBOX"}})
	if status != http.StatusOK || answer["message"] != "Nothing was moved back: the messages are no longer in Trash." {
		t.Fatalf("the same undo again: %d %v", status, answer)
	}
	status, answer = f.call(t, "/undo", url.Values{"token": {token[:len(token)-2]}})
	if status != http.StatusBadRequest || answer["message"] != "This action cannot be undone from here any more." {
		t.Fatalf("a changed token: %d %v", status, answer)
	}
}
