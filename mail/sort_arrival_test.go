package mail

import (
	"context"
	"regexp"
	"slices"
	"testing"
)

// TestArrivalOrderNeedsNoSearch checks that the whole mailbox in arrival
// order is listed by sequence numbers, both directions and every page,
// without a SEARCH or a SORT, and matches the UIDs' order.
func TestArrivalOrderNeedsNoSearch(t *testing.T) {
	srv := startMemServer(t, nil)
	for n := 1; n <= 7; n++ {
		srv.append(t, "INBOX", testMessage(n, false))
	}
	c := srv.dial(t)
	ctx := context.Background()
	var newest, oldest []uint32
	for page := 1; page <= 3; page++ {
		p, err := c.ListSorted(ctx, "INBOX", ListQuery{Sort: SortArrival, Descending: true, Page: page, PageSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		if p.Pages != 3 || p.Matches != 7 || p.Total != 7 {
			t.Fatalf("page %d: %+v", page, p)
		}
		for _, m := range p.Messages {
			newest = append(newest, m.UID)
		}
		p, err = c.ListSorted(ctx, "INBOX", ListQuery{Sort: SortArrival, Page: page, PageSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Messages {
			oldest = append(oldest, m.UID)
		}
	}
	if want := []uint32{7, 6, 5, 4, 3, 2, 1}; !slices.Equal(newest, want) {
		t.Fatalf("newest first: %v, want %v", newest, want)
	}
	if want := []uint32{1, 2, 3, 4, 5, 6, 7}; !slices.Equal(oldest, want) {
		t.Fatalf("oldest first: %v, want %v", oldest, want)
	}
	if n := len(regexp.MustCompile(`(?m)^T\d+ (UID )?(SEARCH|SORT) `).FindAllString(srv.traffic.String(), -1)); n != 0 {
		t.Fatalf("%d SEARCH or SORT commands for lists in arrival order, want none", n)
	}
}
