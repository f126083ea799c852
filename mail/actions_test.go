package mail

import (
	"context"
	"testing"

	"github.com/emersion/go-imap/v2"
)

func TestActions(t *testing.T) {
	srv := startMemServer(t, imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}})
	srv.create(t, "Archive", "Trash")
	for i := 1; i <= 5; i++ {
		srv.append(t, "INBOX", testMessage(i, false))
	}
	c := srv.dial(t)
	ctx := context.Background()
	page := func(mailbox string) SortedPage {
		t.Helper()
		p, err := listNewest(ctx, c, mailbox, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	uids := func(p SortedPage) []uint32 {
		var out []uint32
		for _, m := range p.Messages {
			out = append(out, m.UID)
		}
		return out
	}
	inbox := uids(page("INBOX")) // newest first: 5 4 3 2 1

	if err := c.SetFlags(ctx, "INBOX", []string{FlagFlagged, FlagSeen}, true, inbox[0], inbox[1]); err != nil {
		t.Fatal(err)
	}
	p := page("INBOX")
	if !p.Messages[0].Flagged || !p.Messages[1].Seen || p.Messages[2].Flagged || p.Unseen != 3 {
		t.Fatalf("after SetFlags: %+v", p)
	}
	if err := c.SetFlags(ctx, "INBOX", []string{FlagFlagged}, false, inbox[0]); err != nil {
		t.Fatal(err)
	}
	if page("INBOX").Messages[0].Flagged {
		t.Fatal("flag not removed")
	}

	if err := c.Move(ctx, "INBOX", "Archive", inbox[0], inbox[1]); err != nil {
		t.Fatal(err)
	}
	if got := page("INBOX").Total; got != 3 {
		t.Fatalf("INBOX after move: %d", got)
	}
	if got := page("Archive").Total; got != 2 {
		t.Fatalf("Archive after move: %d", got)
	}
	if err := c.Copy(ctx, "INBOX", "Archive", inbox[2]); err != nil {
		t.Fatal(err)
	}
	if page("INBOX").Total != 3 || page("Archive").Total != 3 {
		t.Fatal("copy did not copy")
	}
	if err := c.Expunge(ctx, "INBOX", inbox[2]); err != nil {
		t.Fatal(err)
	}
	left := uids(page("INBOX"))
	if len(left) != 2 || left[0] != inbox[3] || left[1] != inbox[4] {
		t.Fatalf("after expunging one: %v", left)
	}
	if err := c.EmptyMailbox(ctx, "Archive"); err != nil {
		t.Fatal(err)
	}
	if page("Archive").Total != 0 {
		t.Fatal("Archive not empty")
	}
	if name, err := c.SpecialMailbox(ctx, "trash"); err != nil || name != "Trash" {
		t.Fatalf("SpecialMailbox(trash) = %q, %v", name, err)
	}
	if _, err := c.SpecialMailbox(ctx, "junk"); err == nil {
		t.Fatal("found a junk mailbox that does not exist")
	}
	if err := c.Move(ctx, "INBOX", "No Such Folder", left[0]); err == nil {
		t.Fatal("move to a missing folder succeeded")
	}
}
