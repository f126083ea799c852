package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestListOnDovecot runs the list page against Dovecot, where sorting,
// threading and searching are the server's (SORT, THREAD=REFERENCES,
// SEARCH), with three messages a page.
func TestListOnDovecot(t *testing.T) {
	f, env, email, password := newDovecotListFixture(t)
	msg := func(from, subject, date, extra, body string) []byte {
		return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n%s\r\n%s\r\n", from, email, subject, date, extra, body))
	}
	env.AppendMessages(t, email, password, "INBOX", [][]byte{
		msg("Carol <carol@example.org>", "Budget", "Tue, 05 Mar 2024 10:00:00 +0000", "Message-ID: <a@example.org>\r\n", "The budget."),
		msg("Bob <bob@example.org>", "Re: Budget", "Wed, 06 Mar 2024 10:00:00 +0000", "Message-ID: <b@example.org>\r\nIn-Reply-To: <a@example.org>\r\nReferences: <a@example.org>\r\n", "Looks fine."),
		msg("Alice <alice@example.org>", "Agenda", "Fri, 01 Mar 2024 10:00:00 +0000", "Message-ID: <c@example.org>\r\n", "Monday."),
		msg("Dave <dave@example.org>", "Zebra", "Sat, 09 Mar 2024 10:00:00 +0000",
			"Message-ID: <d@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n",
			"--b\r\nContent-Type: text/plain\r\n\r\nStripes.\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=z.pdf\r\n\r\nJVBERi0K\r\n--b--"),
		msg("Eve <eve@example.org>", "Re: Budget", "Thu, 07 Mar 2024 10:00:00 +0000", "Message-ID: <e@example.org>\r\nReferences: <a@example.org> <b@example.org>\r\n", "Agreed."),
	})

	for _, tc := range []struct {
		query string
		want  []uint32
	}{
		{"", []uint32{4, 5, 2}},
		{"?page=2", []uint32{1, 3}},
		{"?sort=subject", []uint32{3, 1, 2}},
		{"?sort=subject&page=2", []uint32{5, 4}},
		{"?sort=from&order=desc", []uint32{5, 4, 1}},
		{"?sort=size&order=asc&q=budget", []uint32{1, 5, 2}}, // 2 has the longest header
		{"?attachment=1", []uint32{4}},
		{"?filter=flagged", nil},
		{"?view=threads", []uint32{1, 2, 5, 4, 3}},
		{"?view=threads&q=agenda", []uint32{3}},
	} {
		resp, doc := f.open(t, "/mail/INBOX"+tc.query)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", tc.query, resp.StatusCode)
		}
		if got := rowUIDs(t, doc); !slices.Equal(got, tc.want) {
			t.Errorf("%s: rows %v, want %v", tc.query, got, tc.want)
		}
	}
	_, doc := f.open(t, "/mail/INBOX?view=threads")
	if n := strings.Fields(doc.Find(`tr[data-uid="1"] [data-testid="thread-count"]`).Text()); len(n) == 0 || n[0] != "3" {
		t.Errorf("the budget conversation counts %v", n)
	}
	if !doc.Find(`tr[data-uid="5"] td.subject`).HasClass("indent-2") || !doc.Find(`tr[data-uid="2"]`).HasClass("reply") {
		t.Error("replies are not indented under their parents")
	}

	// Delete goes to Dovecot's Trash; search finds across folders.
	status, answer := f.call(t, "/mail/INBOX/actions", url.Values{"action": {"delete"}, "uid": {"3"}})
	if status != http.StatusOK || answer["message"] != "Moved 1 message to Trash." {
		t.Fatalf("delete: %d %v", status, answer)
	}
	_, doc = f.open(t, "/search?run=1&q=agenda")
	if href, _ := doc.Find(`[data-testid="message-link"]`).Attr("href"); doc.Find(`[data-testid="message-row"]`).Length() != 1 || href != "/mail/Trash/1" {
		t.Errorf("search everywhere found %d rows, first %q", doc.Find(`[data-testid="message-row"]`).Length(), href)
	}
}
