package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/webmail/webmail/store"
)

// TestUserPrefs: the user's ID and settings in one query; a user without
// settings gets an empty map, an unknown login ErrNotFound.
func TestUserPrefs(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, _ := openMigrated(t, b)
			ctx := store.WithPrimaryReads(context.Background())
			cleo, err := db.RecordLogin(ctx, "cleo@example.test")
			if err != nil {
				t.Fatal(err)
			}
			id, prefs, err := db.UserPrefs(ctx, "cleo@example.test")
			if err != nil || id != cleo.ID || len(prefs) != 0 {
				t.Fatalf("no settings yet: %d %v %v; want %d, none", id, prefs, err, cleo.ID)
			}
			if err := db.SetPref(ctx, cleo.ID, "mark_read_delay", "7"); err != nil {
				t.Fatal(err)
			}
			if err := db.SetPref(ctx, cleo.ID, "page_size", "25"); err != nil {
				t.Fatal(err)
			}
			id, prefs, err = db.UserPrefs(ctx, "cleo@example.test")
			if err != nil || id != cleo.ID || prefs["mark_read_delay"] != "7" || prefs["page_size"] != "25" || len(prefs) != 2 {
				t.Fatalf("UserPrefs = %d %v %v", id, prefs, err)
			}
			if _, _, err := db.UserPrefs(ctx, "nobody@example.test"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("unknown login: %v, want ErrNotFound", err)
			}
		})
	}
}
