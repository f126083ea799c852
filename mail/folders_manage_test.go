package mail

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// TestManageFoldersMemServer runs the folder management scenario against
// go-imap's in-memory server, which renames only the one mailbox (its
// children stay behind) and deletes a parent without its children: the
// client must make up for both.
func TestManageFoldersMemServer(t *testing.T) {
	srv := startMemServer(t, imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapListExtended: {}, imap.CapUnselect: {}, imap.CapUIDPlus: {}, imap.CapMove: {}})
	manageFoldersScenario(t, srv.dial(t), func(mailbox string, raw []byte) { srv.append(t, mailbox, raw) })
}

// TestManageFoldersDovecot runs the same scenario against Dovecot.
func TestManageFoldersDovecot(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	c := dialDovecot(t, ep, email, password)
	manageFoldersScenario(t, c, func(mailbox string, raw []byte) { env.AppendRaw(t, email, password, mailbox, raw) })
}

// TestSubscriptionsUnsupported: a server without LIST-EXTENDED cannot say
// what is subscribed; the caller hears so instead of "nothing".
func TestSubscriptionsUnsupported(t *testing.T) {
	srv := startMemServer(t, nil)
	c := srv.dial(t)
	if _, err := c.Subscriptions(context.Background()); !errors.Is(err, ErrSubscriptionsUnsupported) {
		t.Fatalf("Subscriptions on IMAP4rev1 = %v, want ErrSubscriptionsUnsupported", err)
	}
	if err := c.SetSubscribed(context.Background(), "INBOX", true); err != nil {
		t.Fatalf("SUBSCRIBE still works: %v", err)
	}
	if c.Broken() {
		t.Fatal("the connection broke")
	}
}

func manageFoldersScenario(t *testing.T, c *Client, appendTo func(mailbox string, raw []byte)) {
	ctx := context.Background()
	names := func() []string {
		t.Helper()
		boxes, err := c.Mailboxes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, b := range boxes {
			if !b.NoSelect {
				out = append(out, b.Name)
			}
		}
		return out
	}
	subscribed := func() map[string]bool {
		t.Helper()
		subs, err := c.Subscriptions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return subs
	}
	mustHave := func(want ...string) {
		t.Helper()
		got := names()
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Fatalf("mailboxes %q lack %q", got, w)
			}
		}
	}
	mustLack := func(gone ...string) {
		t.Helper()
		got := names()
		for _, g := range gone {
			if slices.Contains(got, g) {
				t.Fatalf("mailboxes %q still have %q", got, g)
			}
		}
	}

	for _, name := range []string{"Projects", "Projects/2024", "Work", "Ünïcödé & Co"} {
		if err := c.CreateMailbox(ctx, name); err != nil {
			t.Fatalf("CreateMailbox(%q): %v", name, err)
		}
	}
	mustHave("Projects", "Projects/2024", "Work", "Ünïcödé & Co")
	if err := c.CreateMailbox(ctx, "Projects"); !errors.Is(err, ErrMailboxExists) {
		t.Fatalf("creating an existing mailbox: %v, want ErrMailboxExists", err)
	}
	for _, bad := range []string{"", "  ", "a*b", "50%", "tab\there"} {
		if err := c.CreateMailbox(ctx, bad); !errors.Is(err, ErrBadMailboxName) {
			t.Fatalf("CreateMailbox(%q) = %v, want ErrBadMailboxName", bad, err)
		}
	}
	if c.Broken() {
		t.Fatal("refusals broke the connection")
	}

	for _, name := range []string{"Projects", "Projects/2024", "Ünïcödé & Co"} {
		if err := c.SetSubscribed(ctx, name, true); err != nil {
			t.Fatal(err)
		}
	}
	if subs := subscribed(); !subs["Projects"] || !subs["Projects/2024"] || !subs["Ünïcödé & Co"] || subs["Work"] {
		t.Fatalf("subscriptions %v", subs)
	}
	if err := c.SetSubscribed(ctx, "Ünïcödé & Co", false); err != nil {
		t.Fatal(err)
	}
	if subscribed()["Ünïcödé & Co"] {
		t.Fatal("still subscribed after unsubscribing")
	}

	// Rename and move under another parent, the child along, while the
	// child is the selected mailbox of this very connection.
	appendTo("Projects/2024", testMessage(1, false))
	if p, err := listNewest(ctx, c, "Projects/2024", 1, 10); err != nil || p.Total != 1 {
		t.Fatalf("list Projects/2024: %+v, %v", p, err)
	}
	if err := c.RenameMailbox(ctx, "Projects", "Work/Plans"); err != nil {
		t.Fatalf("RenameMailbox: %v", err)
	}
	mustHave("Work/Plans", "Work/Plans/2024")
	mustLack("Projects", "Projects/2024")
	if p, err := listNewest(ctx, c, "Work/Plans/2024", 1, 10); err != nil || p.Total != 1 || p.Messages[0].Subject != "Message 1" {
		t.Fatalf("the moved child lost its message: %+v, %v", p, err)
	}
	if subs := subscribed(); !subs["Work/Plans"] || !subs["Work/Plans/2024"] || subs["Projects"] || subs["Projects/2024"] {
		t.Fatalf("subscriptions did not follow the rename: %v", subs)
	}

	for _, tc := range []struct {
		from, to string
		want     error
	}{
		{"Work", "Work/Plans/Work", ErrBadMailboxName}, // into itself
		{"INBOX", "Old Inbox", ErrBadMailboxName},
		{"Work/Plans", "Ünïcödé & Co", ErrMailboxExists},
		{"Work/Plans", "a%b", ErrBadMailboxName},
	} {
		if err := c.RenameMailbox(ctx, tc.from, tc.to); !errors.Is(err, tc.want) {
			t.Fatalf("RenameMailbox(%q, %q) = %v, want %v", tc.from, tc.to, err, tc.want)
		}
	}
	// Back to the top level, with a non-ASCII name.
	if err := c.RenameMailbox(ctx, "Work/Plans", "Pläne"); err != nil {
		t.Fatal(err)
	}
	mustHave("Pläne", "Pläne/2024", "Work")
	mustLack("Work/Plans", "Work/Plans/2024")

	// Delete a parent: its children go first. The selected one included.
	if _, err := listNewest(ctx, c, "Pläne/2024", 1, 10); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteMailbox(ctx, "Pläne"); err != nil {
		t.Fatalf("DeleteMailbox: %v", err)
	}
	mustLack("Pläne", "Pläne/2024")
	if subs := subscribed(); subs["Pläne"] || subs["Pläne/2024"] {
		t.Fatalf("subscriptions of deleted mailboxes remain: %v", subs)
	}
	if err := c.DeleteMailbox(ctx, "INBOX"); !errors.Is(err, ErrBadMailboxName) {
		t.Fatalf("DeleteMailbox(INBOX) = %v", err)
	}
	if err := c.DeleteMailbox(ctx, "No such"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("DeleteMailbox(missing) = %v, want ErrNotFound", err)
	}
	mustHave("INBOX", "Work", "Ünïcödé & Co")
	if c.Broken() {
		t.Fatal("the connection broke")
	}
}
