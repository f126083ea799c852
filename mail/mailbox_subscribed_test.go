package mail

import (
	"context"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// subscribedNames are the names Mailboxes reports as subscribed.
func subscribedNames(t *testing.T, c *Client) map[string]bool {
	t.Helper()
	boxes, err := c.Mailboxes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, b := range boxes {
		if b.Subscribed {
			out[b.Name] = true
		}
	}
	return out
}

// TestMailboxesSubscribedMemServer: go-imap's in-memory server, with
// LIST-EXTENDED (with and without LIST-STATUS), reports subscriptions in
// the one LIST that Mailboxes sends; nothing subscribed reads as nothing.
func TestMailboxesSubscribedMemServer(t *testing.T) {
	for _, tc := range []struct {
		name string
		caps imap.CapSet
	}{
		{"LIST-EXTENDED", imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapListExtended: {}, imap.CapSpecialUse: {}}},
		{"LIST-STATUS", imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapListExtended: {}, imap.CapListStatus: {}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startMemServer(t, tc.caps)
			srv.create(t, "Trash", "Work", "Work/Projects", "Ünïcödé & Co")
			c := srv.dial(t)
			if got := subscribedNames(t, c); len(got) != 0 {
				t.Fatalf("a fresh account reports subscriptions %v", got)
			}
			if !strings.Contains(srv.traffic.String(), "SUBSCRIBED") {
				t.Fatal("LIST did not ask for subscriptions")
			}
			ctx := context.Background()
			for _, name := range []string{"Work/Projects", "Ünïcödé & Co", "Trash"} {
				if err := c.SetSubscribed(ctx, name, true); err != nil {
					t.Fatal(err)
				}
			}
			if got := subscribedNames(t, c); len(got) != 3 || !got["Work/Projects"] || !got["Ünïcödé & Co"] || !got["Trash"] {
				t.Fatalf("subscribed %v, want Work/Projects, Ünïcödé & Co and Trash", got)
			}
			if err := c.SetSubscribed(ctx, "Ünïcödé & Co", false); err != nil {
				t.Fatal(err)
			}
			if got := subscribedNames(t, c); len(got) != 2 || got["Ünïcödé & Co"] {
				t.Fatalf("after unsubscribing: %v", got)
			}
		})
	}
}

// TestMailboxesSubscribedIMAP4rev1: a server without LIST-EXTENDED gets a
// plain LIST (a RETURN option would be a syntax error there) and the
// listing still works.
func TestMailboxesSubscribedIMAP4rev1(t *testing.T) {
	srv := startMemServer(t, nil)
	srv.create(t, "Work")
	c := srv.dial(t)
	boxes, err := c.Mailboxes(context.Background())
	if err != nil || len(boxes) != 2 {
		t.Fatalf("Mailboxes = %+v, %v", boxes, err)
	}
	if strings.Contains(srv.traffic.String(), "RETURN") {
		t.Fatal("LIST with RETURN options sent to an IMAP4rev1 server")
	}
	if c.Broken() {
		t.Fatal("the connection broke")
	}
}

// TestDovecotMailboxesSubscribed: Dovecot reports its auto-subscribed
// special-use folders, a folder created without subscribing is not
// subscribed, and SUBSCRIBE/UNSUBSCRIBE show in the next listing.
func TestDovecotMailboxesSubscribed(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	admin := env.IMAPClient(t, email, password)
	for _, name := range []string{"Work", "Work/Projects", "Ünïcödé & Co"} {
		if err := admin.Create(name, nil).Wait(); err != nil {
			t.Fatalf("create %q: %v", name, err)
		}
	}
	c := dialDovecot(t, ep, email, password)
	got := subscribedNames(t, c)
	for _, special := range []string{"Drafts", "Sent", "Junk", "Trash", "Archive"} {
		if !got[special] {
			t.Errorf("auto-subscribed %s not reported as subscribed (got %v)", special, got)
		}
	}
	if got["Work"] || got["Work/Projects"] || got["Ünïcödé & Co"] {
		t.Fatalf("folders nobody subscribed to reported subscribed: %v", got)
	}
	ctx := context.Background()
	for _, name := range []string{"Work/Projects", "Ünïcödé & Co"} {
		if err := c.SetSubscribed(ctx, name, true); err != nil {
			t.Fatal(err)
		}
	}
	got = subscribedNames(t, c)
	if !got["Work/Projects"] || !got["Ünïcödé & Co"] || got["Work"] {
		t.Fatalf("after subscribing: %v", got)
	}
	if err := c.SetSubscribed(ctx, "Ünïcödé & Co", false); err != nil {
		t.Fatal(err)
	}
	if got := subscribedNames(t, c); got["Ünïcödé & Co"] || !got["Work/Projects"] {
		t.Fatalf("after unsubscribing: %v", got)
	}
}
