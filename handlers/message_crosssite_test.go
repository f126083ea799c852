package handlers_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"
)

var unseen = &imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}

// TestCrossSiteOpenDoesNotMarkRead: a GET another site started (a link in
// a mail, a redirect) changes nothing on the server; the page marks the
// message read itself with a CSRF-checked POST once it is shown.
func TestCrossSiteOpenDoesNotMarkRead(t *testing.T) {
	f := newMsgFixture(t)
	raw := "From: a@example.test\r\nTo: " + f.email + "\r\nSubject: Linked\r\n\r\nhello\r\n"
	uid := f.appendMessages(t, "INBOX", []byte(raw))[0]
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/mail/INBOX/%d", f.http.URL, uid), nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := f.browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("cross-site open: %d", resp.StatusCode)
	}
	if !slices.Contains(f.uids(t, "INBOX", unseen), uid) {
		t.Fatal("a cross-site GET marked the message read")
	}
	// The same open from our own pages marks it read at once.
	resp, err = f.browser.Get(fmt.Sprintf("%s/mail/INBOX/%d", f.http.URL, uid))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if slices.Contains(f.uids(t, "INBOX", unseen), uid) {
		t.Fatal("opening the message did not mark it read")
	}
}
