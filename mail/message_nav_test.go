package mail

import (
	"context"
	"errors"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// TestMessageNav checks flags and neighbours with ESEARCH (MIN/MAX) and
// without it (the plain UID list), and with gaps in the UIDs.
func TestMessageNav(t *testing.T) {
	for _, tc := range []struct {
		name string
		caps imap.CapSet
	}{
		{"plain SEARCH", imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}},
		{"ESEARCH", imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapESearch: {}, imap.CapUIDPlus: {}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startMemServer(t, tc.caps)
			for i := 1; i <= 5; i++ {
				srv.append(t, "INBOX", testMessage(i, false))
			}
			c := srv.dial(t)
			ctx := context.Background()
			// UIDs 1..5; remove 3 so neighbours must skip a gap.
			if err := c.Expunge(ctx, "INBOX", 3); err != nil {
				t.Fatal(err)
			}
			if err := c.SetFlags(ctx, "INBOX", []string{FlagFlagged, FlagSeen, FlagJunk}, true, 4); err != nil {
				t.Fatal(err)
			}
			for _, want := range []struct {
				uid, newer, older uint32
			}{
				{1, 2, 0}, {2, 4, 1}, {4, 5, 2}, {5, 0, 4},
			} {
				nav, err := c.MessageNav(ctx, "INBOX", want.uid)
				if err != nil {
					t.Fatalf("MessageNav(%d): %v", want.uid, err)
				}
				if nav.Newer != want.newer || nav.Older != want.older {
					t.Errorf("MessageNav(%d) = newer %d older %d, want %d %d", want.uid, nav.Newer, nav.Older, want.newer, want.older)
				}
				if flagged := want.uid == 4; nav.Flagged != flagged || nav.Seen != flagged || nav.Junk != flagged {
					t.Errorf("MessageNav(%d) flags %+v", want.uid, nav)
				}
			}
			if _, err := c.MessageNav(ctx, "INBOX", 3); !errors.Is(err, ErrNotFound) {
				t.Fatalf("expunged UID: %v, want ErrNotFound", err)
			}
			if _, err := c.MessageNav(ctx, "No such", 1); !errors.Is(err, ErrNotFound) {
				t.Fatalf("missing mailbox: %v, want ErrNotFound", err)
			}
		})
	}
}

// TestDovecotMessageNav: the same against Dovecot, which has ESEARCH.
func TestDovecotMessageNav(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	var raws [][]byte
	for i := 1; i <= 3; i++ {
		raws = append(raws, testMessage(i, false))
	}
	uids := env.AppendMessages(t, email, password, "INBOX", raws)
	c := dialDovecot(t, ep, email, password)
	nav, err := c.MessageNav(context.Background(), "INBOX", uint32(uids[1]))
	if err != nil {
		t.Fatal(err)
	}
	if nav.Newer != uint32(uids[2]) || nav.Older != uint32(uids[0]) || nav.Seen || nav.Flagged {
		t.Fatalf("MessageNav = %+v, want newer %d older %d, unseen", nav, uids[2], uids[0])
	}
	last, err := c.MessageNav(context.Background(), "INBOX", uint32(uids[2]))
	if err != nil || last.Newer != 0 || last.Older != uint32(uids[1]) {
		t.Fatalf("last message: %+v, %v", last, err)
	}
}

// TestNeighboursBothWays checks the two ways of finding a message's
// neighbours against each other on Dovecot, over a mailbox with gaps in
// its UIDs: by sequence number (the usual one) and by UID SEARCH (the
// fallback when an expunge moves the numbers between two commands).
func TestNeighboursBothWays(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	var raws [][]byte
	for i := 1; i <= 6; i++ {
		raws = append(raws, testMessage(i, false))
	}
	uids := env.AppendMessages(t, email, password, "INBOX", raws)
	c := dialDovecot(t, ep, email, password)
	ctx := context.Background()
	if err := c.Expunge(ctx, "INBOX", uint32(uids[0]), uint32(uids[3])); err != nil {
		t.Fatal(err)
	}
	kept := []uint32{uint32(uids[1]), uint32(uids[2]), uint32(uids[4]), uint32(uids[5])}
	for i, uid := range kept {
		var wantOlder, wantNewer uint32
		if i > 0 {
			wantOlder = kept[i-1]
		}
		if i < len(kept)-1 {
			wantNewer = kept[i+1]
		}
		nav, err := c.MessageNav(ctx, "INBOX", uid)
		if err != nil {
			t.Fatal(err)
		}
		older, newer, err := c.neighboursBySearch(ctx, "INBOX", uid)
		if err != nil {
			t.Fatal(err)
		}
		// The usual way must work by itself, not through the fallback.
		bySeqOlder, bySeqNewer, ok, err := c.neighboursBySeq(ctx, "INBOX", uid, uint32(i+1))
		if err != nil || !ok || bySeqOlder != wantOlder || bySeqNewer != wantNewer {
			t.Errorf("UID %d numbered %d: by number older %d newer %d ok %t (%v), want %d %d", uid, i+1, bySeqOlder, bySeqNewer, ok, err, wantOlder, wantNewer)
		}
		if nav.Older != wantOlder || nav.Newer != wantNewer || older != wantOlder || newer != wantNewer {
			t.Errorf("UID %d: by number older %d newer %d, by search older %d newer %d, want %d %d",
				uid, nav.Older, nav.Newer, older, newer, wantOlder, wantNewer)
		}
	}
	// A number that no longer holds the neighbour is refused, not used.
	if _, _, ok, err := c.neighboursBySeq(ctx, "INBOX", kept[1], 1); err != nil || ok {
		t.Errorf("neighbours of UID %d taken as number 1: ok %t, %v; want refused", kept[1], ok, err)
	}
}
