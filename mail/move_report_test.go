package mail

import (
	"context"
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// TestMoveReporting: a move names where each message landed, in the
// order of the server's COPYUID pairs, and the flags read before it are
// each message's own.
func TestMoveReporting(t *testing.T) {
	srv := startMemServer(t, imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}})
	srv.create(t, "Archive")
	for i := 1; i <= 3; i++ {
		srv.append(t, "Archive", testMessage(10+i, false)) // Archive's UIDs start above INBOX's
		srv.append(t, "INBOX", testMessage(i, false), imap.Flag("$mark"+string(rune('0'+i))))
	}
	c := srv.dial(t)
	ctx := context.Background()
	flags, err := c.MessageFlags(ctx, "INBOX", 1, 3, 99)
	if err != nil || len(flags) != 2 || !slices.Contains(flags[1], "$mark1") || !slices.Contains(flags[3], "$mark3") {
		t.Fatalf("flags: %v, %v", flags, err)
	}
	moved, err := c.MoveReporting(ctx, "INBOX", "Archive", 3, 1)
	if err != nil || !moved.Reported() {
		t.Fatalf("move: %+v, %v", moved, err)
	}
	if !slices.Equal(moved.Source, []uint32{1, 3}) || !slices.Equal(moved.Dest, []uint32{4, 5}) {
		t.Fatalf("moved %v to %v, want [1 3] to [4 5]", moved.Source, moved.Dest)
	}
	landed, err := c.MessageFlags(ctx, "Archive", moved.Dest...)
	if err != nil || !slices.Contains(landed[4], "$mark1") || !slices.Contains(landed[5], "$mark3") {
		t.Fatalf("Archive after the move: %v, %v", landed, err)
	}
}

// TestMovedFromUnreported: without COPYUID, or with sets that cannot be
// paired, a move reports nothing rather than a guess.
func TestMovedFromUnreported(t *testing.T) {
	for name, data := range map[string]*imapclient.MoveData{
		"no data":          nil,
		"no COPYUID":       {},
		"unequal sets":     {UIDValidity: 1, SourceUIDs: imap.UIDSetNum(1, 2), DestUIDs: imap.UIDSetNum(7)},
		"a star":           {UIDValidity: 1, SourceUIDs: imap.UIDSetNum(1), DestUIDs: imap.UIDSet{{Start: 7, Stop: 0}}},
		"sequence numbers": {UIDValidity: 1, SourceUIDs: imap.SeqSetNum(1), DestUIDs: imap.SeqSetNum(7)},
	} {
		if m := movedFrom(data); m.Reported() {
			t.Errorf("%s: reported %+v", name, m)
		}
	}
}
