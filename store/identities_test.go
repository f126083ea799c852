package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/webmail/webmail/store"
)

func TestIdentities(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, waitReplicated := openMigrated(t, b)
			ctx := context.Background()
			anna, bob := twoUsers(t, db)

			ids, err := db.EnsureDefaultIdentity(ctx, anna)
			if err != nil || len(ids) != 1 || ids[0].Email != anna.Email || ids[0].Position != 0 || ids[0].UserID != anna.ID {
				t.Fatalf("EnsureDefaultIdentity = %+v, %v; want the login address first", ids, err)
			}
			again, err := db.EnsureDefaultIdentity(ctx, anna)
			if err != nil || len(again) != 1 || again[0].ID != ids[0].ID {
				t.Fatalf("second EnsureDefaultIdentity = %+v, %v; want the same one identity", again, err)
			}

			work, err := db.CreateIdentity(ctx, store.Identity{
				UserID: anna.ID, Email: " anna@work.test ", Name: "Anna Ågren", ReplyTo: "team@work.test",
				Bcc: "archive@work.test", SignatureText: "-- \nAnna", SignatureHTML: "<p>Anna</p>", Position: 99,
			})
			if err != nil {
				t.Fatal(err)
			}
			if work.Position != 1 || work.Email != "anna@work.test" || work.ID == 0 {
				t.Fatalf("created %+v; want position 1 (after the login identity), trimmed address", work)
			}
			if _, err := db.CreateIdentity(ctx, store.Identity{UserID: anna.ID, Email: " "}); !errors.Is(err, store.ErrInvalidIdentity) {
				t.Fatalf("identity without address: %v, want ErrInvalidIdentity", err)
			}
			if _, err := db.CreateIdentity(ctx, store.Identity{UserID: anna.ID, Email: "x@y.test", Name: strings.Repeat("n", 256)}); !errors.Is(err, store.ErrInvalidIdentity) {
				t.Fatalf("oversized name: %v, want ErrInvalidIdentity", err)
			}

			got, err := db.Identity(store.WithPrimaryReads(ctx), work.ID, anna.ID)
			if err != nil || got.Name != "Anna Ågren" || got.SignatureHTML != "<p>Anna</p>" || got.Bcc != "archive@work.test" {
				t.Fatalf("Identity = %+v, %v", got, err)
			}
			if _, err := db.Identity(store.WithPrimaryReads(ctx), work.ID, bob.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob reads anna's identity: %v, want ErrNotFound", err)
			}

			work.Name, work.Position = "Anna A.", -1
			if err := db.UpdateIdentity(ctx, work); err != nil {
				t.Fatal(err)
			}
			if err := db.UpdateIdentity(ctx, work); err != nil {
				t.Fatalf("update with the same values: %v", err)
			}
			stolen := work
			stolen.UserID = bob.ID
			if err := db.UpdateIdentity(ctx, stolen); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob updates anna's identity: %v, want ErrNotFound", err)
			}
			if err := db.DeleteIdentity(ctx, work.ID, bob.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob deletes anna's identity: %v, want ErrNotFound", err)
			}

			waitReplicated(t)
			list, err := db.Identities(ctx, anna.ID)
			if err != nil || len(list) != 2 || list[0].ID != work.ID || list[0].Name != "Anna A." || list[1].ID != ids[0].ID {
				t.Fatalf("Identities after moving work first = %+v, %v", list, err)
			}
			if list, _ := db.Identities(ctx, bob.ID); len(list) != 0 {
				t.Fatalf("bob lists anna's identities: %+v", list)
			}

			for _, id := range list {
				if err := db.DeleteIdentity(ctx, id.ID, anna.ID); err != nil {
					t.Fatal(err)
				}
			}
			back, err := db.EnsureDefaultIdentity(ctx, anna)
			if err != nil || len(back) != 1 || back[0].Email != anna.Email {
				t.Fatalf("after deleting all: %+v, %v; want the login address back", back, err)
			}
		})
	}
}

// TestEnsureDefaultIdentityConcurrently: instances ensuring the same
// user's default identity at once create exactly one.
func TestEnsureDefaultIdentityConcurrently(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dbs := openInstances(t, b.name, 3)
			ctx := context.Background()
			anna, _ := twoUsers(t, dbs[0])
			var wg sync.WaitGroup
			errs := make(chan error, 12)
			for i := range 12 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := dbs[i%len(dbs)].EnsureDefaultIdentity(ctx, anna); err != nil {
						errs <- err
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			list, err := dbs[0].Identities(store.WithPrimaryReads(ctx), anna.ID)
			if err != nil || len(list) != 1 {
				t.Fatalf("identities after 12 concurrent ensures = %+v, %v; want exactly one", list, err)
			}
		})
	}
}
