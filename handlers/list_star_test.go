package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestStarWithoutScripts presses a row's star the way a browser without
// JavaScript does: the list's form posts with star-flag (or star-unflag)
// naming that row, and only its message changes, whatever else is
// selected. The list then shows the star pressed; pressing it again
// removes the flag.
func TestStarWithoutScripts(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	inbox := summaries(t, direct, "INBOX")
	starred, selected := inbox[0], inbox[1]
	if starred.Flagged || selected.Flagged {
		t.Fatalf("the demo's newest messages are flagged already: %+v %+v", starred, selected)
	}
	_, doc := f.open(t, "/mail/INBOX")
	star := doc.Find(`tr[data-uid="` + uidString(starred.UID) + `"] button[data-testid="star"]`)
	if name, _ := star.Attr("name"); name != "star-flag" || star.AttrOr("value", "") != uidString(starred.UID) || star.AttrOr("aria-pressed", "") != "false" {
		t.Fatalf("the row's star: name %q value %q pressed %q", name, star.AttrOr("value", ""), star.AttrOr("aria-pressed", ""))
	}
	if star.Closest(`form#list-form`).Length() != 1 {
		t.Fatal("the star is not a button of the list's form")
	}

	// The form as the browser sends it: the selected row's checkbox, the
	// empty folder menu, and the star that was pressed.
	form := url.Values{"uid": {uidString(selected.UID)}, "target": {""}, "star-flag": {uidString(starred.UID)}, "return": {"/mail/INBOX"}}
	resp, _ := f.submit(t, "/mail/INBOX/actions", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/mail/INBOX" {
		t.Fatalf("star: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if s, _ := summaryByUID(t, direct, "INBOX", starred.UID); !s.Flagged {
		t.Error("the starred message is not flagged")
	}
	if s, _ := summaryByUID(t, direct, "INBOX", selected.UID); s.Flagged {
		t.Error("the selected message was flagged too")
	}
	_, doc = f.open(t, "/mail/INBOX")
	star = doc.Find(`tr[data-uid="` + uidString(starred.UID) + `"] button[data-testid="star"]`)
	if name, _ := star.Attr("name"); name != "star-unflag" || star.AttrOr("aria-pressed", "") != "true" {
		t.Fatalf("after flagging, the star is %q pressed %q", name, star.AttrOr("aria-pressed", ""))
	}

	resp, _ = f.submit(t, "/mail/INBOX/actions", url.Values{"star-unflag": {uidString(starred.UID)}, "return": {"/mail/INBOX"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("unstar: %d", resp.StatusCode)
	}
	if s, _ := summaryByUID(t, direct, "INBOX", starred.UID); s.Flagged {
		t.Error("the star did not remove the flag")
	}

	// Search results from many folders name the folder in the star too.
	_, doc = f.open(t, "/search?run=1&q=a")
	if v := doc.Find(`button[data-testid="star"]`).First().AttrOr("value", ""); !strings.Contains(v, "/") {
		t.Errorf("a search result's star names %q, want {folder}/{uid}", v)
	}
}
