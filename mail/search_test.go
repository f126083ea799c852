package mail

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// searchFixture is INBOX for the search tests, in arrival order (UIDs 1-6).
func searchFixture() [][]byte {
	head := func(from, to, subject, date string) string {
		return fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n", from, to, subject, date)
	}
	blob := strings.Repeat("QUJDRA==", 150) // 1200 bytes of base64
	return [][]byte{
		[]byte(head(`"Maria Lopez" <maria@example.test>`, "alice@example.test", "Roadmap draft", "Sat, 10 Feb 2024 09:00:00 +0000") +
			"\r\nPlease check the estimates.\r\n"),
		[]byte(head("bob@example.test", `"Carlos" <carlos@example.test>`, "Lunch", "Fri, 15 Mar 2024 09:00:00 +0000") +
			"\r\nLet's talk about the roadmap at noon.\r\n"),
		[]byte(head("carol@example.test", "alice@example.test", "Invoice", "Mon, 01 Apr 2024 09:00:00 +0000") +
			"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nAttached.\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=invoice.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + blob + "\r\n--b--\r\n"),
		[]byte(head("dave@example.test", "alice@example.test", "Newsletter", "Sat, 20 Apr 2024 09:00:00 +0000") +
			"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n" + strings.Repeat("news ", 1000) + "\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>news</p>\r\n--b--\r\n"),
		[]byte(head("eve@example.test", "alice@example.test", "Photos", "Sun, 05 May 2024 09:00:00 +0000") +
			"Content-Type: multipart/related; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<img src=\"cid:pic@x\">\r\n--b\r\nContent-Type: image/png\r\nContent-ID: <pic@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n" + blob + "\r\n--b--\r\n"),
		[]byte(head("frank@example.test", "alice@example.test", "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=", "Mon, 06 May 2024 09:00:00 +0000") +
			"Content-Type: text/plain; charset=utf-8\r\n\r\nServus.\r\n"),
	}
}

// archiveFixture is one more roadmap message, the newest, in Archive.
func archiveFixture() []byte {
	return []byte("From: Maria Lopez <maria@example.test>\r\nTo: alice@example.test\r\nSubject: Roadmap final\r\nDate: Sat, 01 Jun 2024 09:00:00 +0000\r\n\r\nThe final version.\r\n")
}

func checkSearch(t *testing.T, c *Client) {
	t.Helper()
	ctx := context.Background()
	date := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		name  string
		query SearchQuery
		want  []uint32 // arrival order
	}{
		{"quick: subject or body", SearchQuery{Text: "roadmap"}, []uint32{1, 2}},
		{"quick: every word", SearchQuery{Text: "maria  roadmap"}, []uint32{1}},
		{"quick: recipient", SearchQuery{Text: "carlos"}, []uint32{2}},
		{"quick: encoded subject, non-ASCII", SearchQuery{Text: "grüße"}, []uint32{6}},
		{"from", SearchQuery{From: "maria"}, []uint32{1}},
		{"to", SearchQuery{To: "carlos"}, []uint32{2}},
		{"subject", SearchQuery{Subject: "invoice"}, []uint32{3}},
		{"body", SearchQuery{Body: "estimates"}, []uint32{1}},
		{"date range, both ends inclusive", SearchQuery{Since: date("2024-03-15"), Until: date("2024-04-01")}, []uint32{2, 3}},
		{"since", SearchQuery{Since: date("2024-05-05")}, []uint32{5, 6}},
		{"has attachment: not alternatives, not inline pictures", SearchQuery{HasAttachment: true}, []uint32{3}},
		{"larger", SearchQuery{Larger: 4000}, []uint32{4}},
		{"smaller", SearchQuery{Smaller: 800}, []uint32{1, 2, 6}},
		{"nothing matches", SearchQuery{Text: "zeppelin"}, []uint32{}},
		{"fields together", SearchQuery{From: "maria", Body: "noon"}, []uint32{}},
	} {
		p, err := c.ListSorted(ctx, "INBOX", ListQuery{Sort: SortArrival, Search: tc.query, Page: 1, PageSize: 50})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := summaryUIDs(p.Messages); fmt.Sprint(got) != fmt.Sprint(tc.want) || p.Matches != len(tc.want) || p.Total != 6 || p.Approximate {
			t.Errorf("%s: %v (matches %d, approximate %v), want %v", tc.name, got, p.Matches, p.Approximate, tc.want)
		}
	}

	// Search, sort and filter together.
	if err := c.SetFlags(ctx, "INBOX", []string{FlagSeen}, true, 2); err != nil {
		t.Fatal(err)
	}
	p, err := c.ListSorted(ctx, "INBOX", ListQuery{Sort: SortDate, Descending: true, Search: SearchQuery{Text: "roadmap"}, Page: 1, PageSize: 50})
	if err != nil || fmt.Sprint(summaryUIDs(p.Messages)) != "[2 1]" {
		t.Errorf("sorted search: %v, %v", summaryUIDs(p.Messages), err)
	}
	// Sorted (SORT on Dovecot) and non-ASCII: the charset travels along.
	p, err = c.ListSorted(ctx, "INBOX", ListQuery{Sort: SortSubject, Search: SearchQuery{Text: "grüße"}, Page: 1, PageSize: 50})
	if err != nil || fmt.Sprint(summaryUIDs(p.Messages)) != "[6]" {
		t.Errorf("sorted non-ASCII search: %v, %v", summaryUIDs(p.Messages), err)
	}
	p, err = c.ListSorted(ctx, "INBOX", ListQuery{Filter: FilterUnread, Search: SearchQuery{Text: "roadmap"}, Page: 1, PageSize: 50})
	if err != nil || fmt.Sprint(summaryUIDs(p.Messages)) != "[1]" {
		t.Errorf("unread search: %v, %v", summaryUIDs(p.Messages), err)
	}

	// Every folder.
	boxes, err := c.Mailboxes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	selectable := 0
	for _, b := range boxes {
		if !b.NoSelect {
			selectable++
		}
	}
	res, err := c.SearchAll(ctx, SearchQuery{Text: "roadmap"}, 10)
	if err != nil {
		t.Fatal(err)
	}
	type hit struct {
		mailbox string
		uid     uint32
	}
	var got []hit
	for _, h := range res.Hits {
		got = append(got, hit{h.Mailbox, h.UID})
	}
	if want := []hit{{"Archive", 1}, {"INBOX", 2}, {"INBOX", 1}}; !slices.Equal(got, want) || res.Matches != 3 || res.Capped || res.Folders != selectable || len(res.Skipped) != 0 {
		t.Errorf("SearchAll: %v (matches %d, capped %v, folders %d of %d, skipped %v), want %v", got, res.Matches, res.Capped, res.Folders, selectable, res.Skipped, want)
	}
	if res.Hits[0].Subject != "Roadmap final" {
		t.Errorf("hit summary %+v", res.Hits[0])
	}
	res, err = c.SearchAll(ctx, SearchQuery{Text: "roadmap"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 2 || res.Hits[0].Mailbox != "Archive" || res.Matches != 3 || !res.Capped {
		t.Errorf("capped SearchAll: %+v", res)
	}
	res, err = c.SearchAll(ctx, SearchQuery{HasAttachment: true}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].UID != 3 || res.Hits[0].Mailbox != "INBOX" || res.Matches != 1 || res.Capped {
		t.Errorf("attachments everywhere: %+v", res)
	}
}

// TestSearchMemServer searches go-imap's in-memory server, which has no
// SORT or ESEARCH, and has folders that cannot be selected.
func TestSearchMemServer(t *testing.T) {
	srv := startMemServer(t, nil)
	srv.create(t, "Archive", "Work", "Lists/go/nuts")
	for _, raw := range searchFixture() {
		srv.append(t, "INBOX", raw)
	}
	srv.append(t, "Archive", archiveFixture())
	srv.append(t, "Work", testMessage(1, false))
	checkSearch(t, srv.dial(t))
}

// TestDovecotSearch runs the same searches on Dovecot.
func TestDovecotSearch(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	env.AppendMessages(t, email, password, "INBOX", searchFixture())
	env.AppendRaw(t, email, password, "Archive", archiveFixture())
	c := dialDovecot(t, ep, email, password)
	if err := c.CreateMailbox(context.Background(), "Work"); err != nil {
		t.Fatal(err)
	}
	env.AppendRaw(t, email, password, "Work", testMessage(1, false))
	checkSearch(t, c)
}

func TestSearchQueryIsZero(t *testing.T) {
	if !(SearchQuery{Text: "  "}).IsZero() {
		t.Error("blank text is a search")
	}
	for _, q := range []SearchQuery{{Text: "x"}, {From: "x"}, {HasAttachment: true}, {Larger: 1}, {Since: time.Now()}} {
		if q.IsZero() {
			t.Errorf("%+v is no search", q)
		}
	}
}
