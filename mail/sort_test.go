package mail

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// sortCase is one message of the sorting fixture. Arrival order (the
// slice order), date, sender, subject and size all disagree, so each sort
// shows in the result.
type sortCase struct {
	date    string // "" for no Date header: the arrival time counts
	from    string
	subject string
	pad     int // body bytes, which decide the size order
	body    string
	flags   []string
}

func sortFixture() []sortCase {
	return []sortCase{
		{"Tue, 05 Mar 2024 10:00:00 +0000", `"Carol" <zed@example.test>`, "Re: Budget", 300, "numbers for the offsite", []string{FlagSeen}},
		{"Fri, 01 Mar 2024 10:00:00 +0000", `bob@example.test`, "[team] Agenda", 100, "the agenda for monday", []string{FlagFlagged}},
		{"Sat, 09 Mar 2024 10:00:00 +0000", `"alice" <y@example.test>`, "Fwd: Cats", 500, "a picture of a cat", []string{FlagSeen, FlagFlagged}},
		{"", `"Dave" <d@example.test>`, "budget (fwd)", 200, "more budget numbers", nil},
		{"Thu, 07 Mar 2024 10:00:00 +0000", `=?UTF-8?Q?=C3=89ve?= <a@example.test>`, "Zebra", 400, "stripes", []string{FlagSeen}},
	}
}

func (m sortCase) raw(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: alice@example.test\r\nSubject: %s\r\n", m.from, m.subject)
	if m.date != "" {
		fmt.Fprintf(&b, "Date: %s\r\n", m.date)
	}
	fmt.Fprintf(&b, "Message-ID: <sort%d@example.test>\r\n\r\n%s\r\n%s\r\n", n, m.body, strings.Repeat("x", m.pad))
	return []byte(b.String())
}

// sortExpectations are the orders of the fixture's message numbers (1 =
// first to arrive), ascending; descending is the reverse except for ties,
// which stay in arrival order (RFC 5256), as descendingExpectations says.
func sortExpectations() map[SortKey][]uint32 {
	return map[SortKey][]uint32{
		// Message 4 has no Date: its arrival (today) makes it the newest.
		SortDate: {2, 1, 5, 3, 4},
		// alice, bob@example.test, carol, dave, Éve.
		SortFrom: {3, 2, 1, 4, 5},
		// agenda, budget (1), budget (4: "(fwd)" dropped), cats, zebra.
		SortSubject: {2, 1, 4, 3, 5},
		SortSize:    {2, 4, 1, 5, 3},
		SortArrival: {1, 2, 3, 4, 5},
	}
}

func descendingExpectation(key SortKey) []uint32 {
	if key == SortSubject {
		return []uint32{5, 3, 1, 4, 2} // the two "budget" in arrival order
	}
	return reversed(sortExpectations()[key])
}

func reversed(in []uint32) []uint32 {
	out := make([]uint32, len(in))
	for i, v := range in {
		out[len(in)-1-i] = v
	}
	return out
}

func summaryUIDs(list []Summary) []uint32 {
	out := []uint32{}
	for _, s := range list {
		out = append(out, s.UID)
	}
	return out
}

// seedSortFixture stores the fixture through append (which differs per
// server) and sets its flags through the Client under test.
func seedSortFixture(t *testing.T, c *Client, append func(raw []byte)) {
	t.Helper()
	ctx := context.Background()
	for i, m := range sortFixture() {
		append(m.raw(i + 1))
	}
	for i, m := range sortFixture() {
		if len(m.flags) > 0 {
			if err := c.SetFlags(ctx, "INBOX", m.flags, true, uint32(i+1)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// checkSorting runs the same expectations against any server; serverSort
// says whether it must have used SORT.
func checkSorting(t *testing.T, c *Client, serverSort bool) {
	t.Helper()
	ctx := context.Background()
	for key, asc := range sortExpectations() {
		for _, desc := range []bool{false, true} {
			want := asc
			if desc {
				want = descendingExpectation(key)
			}
			p, err := c.ListSorted(ctx, "INBOX", ListQuery{Sort: key, Descending: desc, Page: 1, PageSize: 10})
			if err != nil {
				t.Fatalf("%s desc=%v: %v", key, desc, err)
			}
			if got := summaryUIDs(p.Messages); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s desc=%v: %v, want %v", key, desc, got, want)
			}
			// Arrival order is the UIDs' order: never a server sort.
			if p.ServerSorted != (serverSort && key != SortArrival) || p.Approximate || p.Matches != 5 || p.Total != 5 || p.Unseen != 2 || p.Pages != 1 {
				t.Errorf("%s desc=%v: page %+v", key, desc, p)
			}
		}
	}

	// Paging through date, newest first.
	want := reversed(sortExpectations()[SortDate])
	for page, wantUIDs := range [][]uint32{want[0:2], want[2:4], want[4:5], {}} {
		p, err := c.ListSorted(ctx, "INBOX", ListQuery{Descending: true, Page: page + 1, PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		if got := summaryUIDs(p.Messages); fmt.Sprint(got) != fmt.Sprint(wantUIDs) || p.Pages != 3 || p.Page != page+1 {
			t.Errorf("page %d: %v (pages %d), want %v", page+1, got, p.Pages, wantUIDs)
		}
	}

	// Quick filters keep the order and count only what matches.
	for _, tc := range []struct {
		filter Filter
		want   []uint32
	}{
		{FilterUnread, []uint32{4, 2}},
		{FilterFlagged, []uint32{3, 2}},
	} {
		p, err := c.ListSorted(ctx, "INBOX", ListQuery{Sort: SortDate, Descending: true, Filter: tc.filter, Page: 1, PageSize: 10})
		if err != nil {
			t.Fatal(err)
		}
		if got := summaryUIDs(p.Messages); fmt.Sprint(got) != fmt.Sprint(tc.want) || p.Matches != len(tc.want) || p.Total != 5 {
			t.Errorf("filter %s: %v (matches %d), want %v", tc.filter, got, p.Matches, tc.want)
		}
	}

	// The summaries are complete.
	p, err := c.ListSorted(ctx, "INBOX", ListQuery{Sort: SortArrival, Page: 1, PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Messages[2]; s.Subject != "Fwd: Cats" || !s.Seen || !s.Flagged || s.From[0].Name != "alice" {
		t.Errorf("summary of message 3: %+v", s)
	}
	if s := p.Messages[4]; s.From[0].Name != "Éve" {
		t.Errorf("encoded sender name: %+v", s.From)
	}

	// Unknown mailbox, page out of range.
	if _, err := c.ListSorted(ctx, "Nope", ListQuery{}); err == nil {
		t.Error("listing a missing mailbox succeeded")
	}
	p, err = c.ListSorted(ctx, "INBOX", ListQuery{Page: 9, PageSize: 2})
	if err != nil || len(p.Messages) != 0 || p.Matches != 5 || p.Pages != 3 {
		t.Errorf("page out of range: %+v, %v", p, err)
	}
}

// TestSortFallback sorts on go-imap's in-memory server, which has no SORT:
// the client fetches each message's sort key and sorts.
func TestSortFallback(t *testing.T) {
	srv := startMemServer(t, nil)
	c := srv.dial(t)
	seedSortFixture(t, c, func(raw []byte) { srv.append(t, "INBOX", raw) })
	checkSorting(t, c, false)
	if sorts := regexp.MustCompile(`(?m)^T\d+ (UID )?SORT `).FindAllString(srv.traffic.String(), -1); len(sorts) != 0 {
		t.Errorf("sent SORT to a server without it: %v", sorts)
	}
	// Only the sort key was fetched for every message, not envelopes.
	if !regexp.MustCompile(`FETCH 1:\* \(UID INTERNALDATE BODY\.PEEK\[HEADER\.FIELDS \("?Date"?\)\]\)`).MatchString(srv.traffic.String()) {
		t.Error("the date sort did not fetch the Date header alone")
	}
}

// TestDovecotSort sorts the same messages with Dovecot's SORT.
func TestDovecotSort(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	c := dialDovecot(t, ep, email, password)
	if !c.imap.Caps().Has(imap.CapSort) {
		t.Fatal("Dovecot does not advertise SORT")
	}
	seedSortFixture(t, c, func(raw []byte) { env.AppendRaw(t, email, password, "INBOX", raw) })
	checkSorting(t, c, true)
}

func TestBaseSubject(t *testing.T) {
	for in, want := range map[string]string{
		"Hello":                       "hello",
		"Re: Hello":                   "hello",
		"RE: re: Fwd:  Hello  World ": "hello world",
		"Re[2]: Hello":                "hello",
		"[list] Re: Hello":            "hello",
		"Re: [list] Hello":            "hello",
		"Hello (fwd)":                 "hello",
		"[Fwd: Hello]":                "hello",
		"Re:":                         "re:",
		"[only a tag]":                "[only a tag]",
		"Really: no prefix":           "really: no prefix",
		"Fw: x":                       "x",
	} {
		if got := baseSubject(in); got != want {
			t.Errorf("baseSubject(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSortLargeMailboxIsApproximate checks the bound on client-side work:
// above maxClientSort messages the list keeps arrival order and says so.
func TestSortLargeMailboxIsApproximate(t *testing.T) {
	srv := startMemServer(t, nil)
	for i := 1; i <= maxClientSort+1; i++ {
		srv.append(t, "INBOX", testMessage(i, false))
	}
	c := srv.dial(t)
	p, err := c.ListSorted(context.Background(), "INBOX", ListQuery{Sort: SortSubject, Descending: true, Page: 1, PageSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Approximate || p.Matches != maxClientSort+1 || fmt.Sprint(summaryUIDs(p.Messages)) != fmt.Sprint([]uint32{maxClientSort + 1, maxClientSort, maxClientSort - 1}) {
		t.Errorf("large mailbox: approximate %v, matches %d, %v", p.Approximate, p.Matches, summaryUIDs(p.Messages))
	}
	if regexp.MustCompile(`HEADER\.FIELDS \("?Subject`).MatchString(srv.traffic.String()) {
		t.Error("fetched every subject of a mailbox above the bound")
	}
}
