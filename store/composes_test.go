package store_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/store"
)

func TestComposeLifecycle(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			// Two instances: a compose saved on one is read on the other
			// at once (composes are read from the primary, never a
			// replica that may lag).
			dbs := openInstances(t, b.name, 2)
			a, other := dbs[0], dbs[1]
			ctx := context.Background()
			anna, bob := twoUsers(t, a)

			c, err := a.CreateCompose(ctx, store.Compose{
				UserID: anna.ID, Kind: store.ComposeReply, To: "Bob <bob@example.test>", Subject: "Re: Grüße",
				InReplyTo: "<m1@example.test>", References: "<m0@example.test> <m1@example.test>",
				OrigMailbox: "INBOX", OrigUID: 4_000_000_000, OrigUIDValidity: 7, Priority: 1, ReadReceipt: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`^[A-Za-z0-9_-]{26,}$`).MatchString(c.ID) || c.Revision != 1 || c.State != store.ComposeOpen || c.Format != store.FormatText {
				t.Fatalf("created %+v; want a random URL-safe ID, revision 1, open, text", c)
			}
			if c2, _ := a.CreateCompose(ctx, store.Compose{UserID: anna.ID}); c2.ID == c.ID || c2.Kind != store.ComposeNew {
				t.Fatalf("second compose %+v: want another ID and kind new", c2)
			}
			got, err := other.Compose(ctx, c.ID, anna.ID)
			if err != nil || got.Subject != "Re: Grüße" || got.OrigUID != 4_000_000_000 || got.References != c.References ||
				!got.ReadReceipt || got.Priority != 1 || got.Kind != store.ComposeReply {
				t.Fatalf("read on the other instance: %+v, %v", got, err)
			}
			for _, id := range []string{c.ID, "short", strings.Repeat("A", 65), "AAAAAAAAAAAAAAAAAAAAAA'; --"} {
				if _, err := other.Compose(ctx, id, bob.ID); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("bob reads compose %q: %v, want ErrNotFound", id, err)
				}
			}
			if _, err := a.CreateCompose(ctx, store.Compose{UserID: anna.ID, Kind: "bogus"}); !errors.Is(err, store.ErrInvalidCompose) {
				t.Fatalf("unknown kind: %v, want ErrInvalidCompose", err)
			}

			// Tab 1 and tab 2 both hold revision 1; tab 1 saves first.
			tab1, tab2 := got, got
			tab1.BodyText, tab1.Format = "first tab", store.FormatHTML
			tab1.BodyHTML = "<p>first tab</p>"
			saved, err := a.SaveCompose(ctx, tab1)
			if err != nil || saved.Revision != 2 {
				t.Fatalf("first save = rev %d, %v; want 2", saved.Revision, err)
			}
			tab2.BodyText = "second tab"
			current, err := other.SaveCompose(ctx, tab2)
			if !errors.Is(err, store.ErrStaleCompose) {
				t.Fatalf("save from a stale revision: %v, want ErrStaleCompose", err)
			}
			if current.Revision != 2 || current.BodyText != "first tab" || current.Format != store.FormatHTML {
				t.Fatalf("stale save returned %+v; want the stored compose (first tab, rev 2)", current)
			}
			// The tab shows the other save, then saves on top of it.
			current.BodyText = "second tab, after seeing the first"
			if saved, err = other.SaveCompose(ctx, current); err != nil || saved.Revision != 3 {
				t.Fatalf("save on the current revision = %d, %v", saved.Revision, err)
			}
			stolen := saved
			stolen.UserID = bob.ID
			if _, err := a.SaveCompose(ctx, stolen); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob saves anna's compose: %v, want ErrNotFound", err)
			}

			// The Drafts copy: each save learns which copy it replaces.
			prevBox, prevUID, err := a.SetComposeDraft(ctx, c.ID, anna.ID, "Drafts", 11)
			if err != nil || prevBox != "" || prevUID != 0 {
				t.Fatalf("first draft: previous %q %d, %v; want none", prevBox, prevUID, err)
			}
			if prevBox, prevUID, err = other.SetComposeDraft(ctx, c.ID, anna.ID, "Drafts", 12); err != nil || prevBox != "Drafts" || prevUID != 11 {
				t.Fatalf("second draft: previous %q %d, %v; want Drafts 11", prevBox, prevUID, err)
			}
			if _, _, err := a.SetComposeDraft(ctx, c.ID, bob.ID, "Drafts", 13); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob sets anna's draft: %v, want ErrNotFound", err)
			}
			if got, _ := a.Compose(ctx, c.ID, anna.ID); got.DraftUID != 12 || got.Revision != 3 {
				t.Fatalf("after draft saves: draft %d rev %d; want 12, the revision unchanged (3)", got.DraftUID, got.Revision)
			}

			// Sending: one of two clicks moves it; saving is refused then.
			if ok, err := a.MarkComposeState(ctx, c.ID, anna.ID, store.ComposeOpen, store.ComposeSending); !ok || err != nil {
				t.Fatalf("open -> sending: %v, %v", ok, err)
			}
			if ok, err := other.MarkComposeState(ctx, c.ID, anna.ID, store.ComposeOpen, store.ComposeSending); ok || err != nil {
				t.Fatalf("second open -> sending: %v, %v; want false, nil", ok, err)
			}
			if _, err := a.MarkComposeState(ctx, c.ID, bob.ID, store.ComposeSending, store.ComposeOpen); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob moves anna's compose: %v, want ErrNotFound", err)
			}
			latest, _ := a.Compose(ctx, c.ID, anna.ID)
			if _, err := a.SaveCompose(ctx, latest); !errors.Is(err, store.ErrComposeNotOpen) {
				t.Fatalf("save while sending: %v, want ErrComposeNotOpen", err)
			}
			open, err := a.ListOpenComposes(ctx, anna.ID)
			if err != nil || len(open) != 1 || open[0].ID == c.ID {
				t.Fatalf("open composes = %d, %v; want only the other one", len(open), err)
			}
			if open, _ := a.ListOpenComposes(ctx, bob.ID); len(open) != 0 {
				t.Fatalf("bob's open composes: %d", len(open))
			}

			// Cleanup: a compose being sent is never old enough.
			old, err := a.ComposesOlderThan(ctx, time.Now().Add(time.Hour), 10)
			if err != nil || len(old) != 1 || old[0].ID != open[0].ID {
				t.Fatalf("ComposesOlderThan = %d, %v; want the open one only", len(old), err)
			}
			if old, _ := a.ComposesOlderThan(ctx, time.Now().Add(-time.Hour), 10); len(old) != 0 {
				t.Fatalf("composes older than an hour ago: %d", len(old))
			}

			if err := a.DeleteCompose(ctx, c.ID, bob.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob deletes anna's compose: %v, want ErrNotFound", err)
			}
			if err := a.DeleteCompose(ctx, c.ID, anna.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := other.Compose(ctx, c.ID, anna.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("deleted compose: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestUploads(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dbs := openInstances(t, b.name, 2)
			a, other := dbs[0], dbs[1]
			ctx := context.Background()
			anna, bob := twoUsers(t, a)
			c, err := a.CreateCompose(ctx, store.Compose{UserID: anna.ID})
			if err != nil {
				t.Fatal(err)
			}
			id := store.NewID()
			u1, err := a.CreateUpload(ctx, store.Upload{ID: id, UserID: anna.ID, ComposeID: c.ID, StoreKey: "uploads/" + id,
				Filename: "Überweisung März.pdf", ContentType: "application/pdf", Size: 100 << 20})
			if err != nil || u1.ID != id {
				t.Fatalf("CreateUpload = %+v, %v", u1, err)
			}
			u2, err := a.CreateUpload(ctx, store.Upload{UserID: anna.ID, ComposeID: c.ID, StoreKey: "uploads/2",
				Filename: "logo.png", ContentType: "image/png", Size: 3, ContentID: "logo@x"})
			if err != nil || u2.ID == "" || u2.ID == u1.ID {
				t.Fatalf("CreateUpload without ID = %+v, %v", u2, err)
			}
			if _, err := a.CreateUpload(ctx, store.Upload{UserID: bob.ID, ComposeID: c.ID, StoreKey: "uploads/3"}); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob uploads to anna's compose: %v, want ErrNotFound", err)
			}
			if _, err := a.CreateUpload(ctx, store.Upload{UserID: anna.ID, ComposeID: c.ID}); !errors.Is(err, store.ErrInvalidUpload) {
				t.Fatalf("upload without store key: %v, want ErrInvalidUpload", err)
			}

			got, err := other.Upload(ctx, u1.ID, anna.ID)
			if err != nil || got.Filename != "Überweisung März.pdf" || got.Size != 100<<20 || got.StoreKey != u1.StoreKey {
				t.Fatalf("Upload on the other instance = %+v, %v", got, err)
			}
			if _, err := other.Upload(ctx, u1.ID, bob.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob reads anna's upload: %v, want ErrNotFound", err)
			}
			list, err := other.UploadsByCompose(ctx, c.ID, anna.ID)
			if err != nil || len(list) != 2 || list[0].ContentID+list[1].ContentID != "logo@x" {
				t.Fatalf("UploadsByCompose = %+v, %v", list, err)
			}
			if list, _ := other.UploadsByCompose(ctx, c.ID, bob.ID); len(list) != 0 {
				t.Fatalf("bob lists anna's uploads: %+v", list)
			}
			if _, err := a.DeleteUpload(ctx, u2.ID, bob.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob deletes anna's upload: %v, want ErrNotFound", err)
			}
			deleted, err := a.DeleteUpload(ctx, u2.ID, anna.ID)
			if err != nil || deleted.StoreKey != "uploads/2" {
				t.Fatalf("DeleteUpload = %+v, %v; want the row, to delete its bytes", deleted, err)
			}
			if _, err := a.DeleteUpload(ctx, u2.ID, anna.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("deleting twice: %v, want ErrNotFound", err)
			}

			// The cleanup job: uploads of recent or sending composes stay;
			// old open ones and orphans go.
			sending, _ := a.CreateCompose(ctx, store.Compose{UserID: anna.ID})
			kept, err := a.CreateUpload(ctx, store.Upload{UserID: anna.ID, ComposeID: sending.ID, StoreKey: "uploads/kept"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.MarkComposeState(ctx, sending.ID, anna.ID, store.ComposeOpen, store.ComposeSending); err != nil {
				t.Fatal(err)
			}
			orphanOf, _ := a.CreateCompose(ctx, store.Compose{UserID: anna.ID})
			orphan, err := a.CreateUpload(ctx, store.Upload{UserID: anna.ID, ComposeID: orphanOf.ID, StoreKey: "uploads/orphan"})
			if err != nil {
				t.Fatal(err)
			}
			if err := a.DeleteCompose(ctx, orphanOf.ID, anna.ID); err != nil {
				t.Fatal(err)
			}
			if stale, _ := a.StaleUploads(ctx, time.Now().Add(-time.Hour), 10); len(stale) != 0 {
				t.Fatalf("uploads stale an hour ago: %+v", stale)
			}
			stale, err := a.StaleUploads(ctx, time.Now().Add(time.Hour), 10)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, u := range stale {
				keys = append(keys, u.StoreKey)
				if u.ID == kept.ID {
					t.Errorf("the upload of a compose being sent is stale")
				}
			}
			slices.Sort(keys)
			want := []string{orphan.StoreKey, u1.StoreKey}
			slices.Sort(want)
			if !slices.Equal(keys, want) {
				t.Fatalf("stale uploads = %v; want %v (an old compose's and an orphan)", keys, want)
			}
		})
	}
}
