package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestOwnMailShowsRecipients lists Sent and Drafts on Dovecot: their rows
// name the recipients ("To: …"), not the user on every line, in the folder
// and in search results from it; the inbox keeps showing senders.
func TestOwnMailShowsRecipients(t *testing.T) {
	f, env, email, password := newDovecotListFixture(t)
	mine := func(to, subject string) []byte {
		return []byte(fmt.Sprintf("From: Me Myself <%s>\r\nTo: %s\r\nSubject: %s\r\nDate: Tue, 05 Mar 2024 10:00:00 +0000\r\n\r\nText.\r\n", email, to, subject))
	}
	env.AppendMessages(t, email, password, "Sent", [][]byte{mine("Ann Archer <ann@example.org>, bob@example.org", "Quarterly figures")})
	env.AppendMessages(t, email, password, "Drafts", [][]byte{mine("Carl <carl@example.org>", "Half written")})
	env.AppendMessages(t, email, password, "INBOX", [][]byte{[]byte("From: Dora <dora@example.org>\r\nTo: " + email + "\r\nSubject: Quarterly question\r\n\r\nHi.\r\n")})

	for _, tc := range []struct{ path, want string }{
		{"/mail/Sent", "To: Ann Archer, bob@example.org"},
		{"/mail/Drafts", "To: Carl"},
		{"/mail/INBOX", "Dora"},
	} {
		_, doc := f.open(t, tc.path)
		if got := strings.TrimSpace(doc.Find(`[data-testid="message-row"] td.from`).First().Text()); got != tc.want {
			t.Errorf("%s: first row's correspondent %q, want %q", tc.path, got, tc.want)
		}
	}

	_, doc := f.open(t, "/search?run=1&q=quarterly")
	got := map[string]string{}
	doc.Find(`[data-testid="message-row"]`).Each(func(_ int, row *goquery.Selection) {
		got[strings.TrimSpace(row.Find(`[data-testid="row-folder"]`).Text())] = strings.TrimSpace(row.Find("td.from").Text())
	})
	if got["Sent"] != "To: Ann Archer, bob@example.org" || got["Inbox"] != "Dora" {
		t.Errorf("search results by folder: %v", got)
	}
}
