package store_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/webmail/webmail/store"
)

func TestPrefs(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, waitReplicated := openMigrated(t, b)
			ctx := context.Background()
			anna, err := db.RecordLogin(ctx, "anna@example.test")
			if err != nil {
				t.Fatal(err)
			}
			bob, err := db.RecordLogin(ctx, "bob@example.test")
			if err != nil {
				t.Fatal(err)
			}
			if got, err := db.Prefs(ctx, anna.ID); err != nil || len(got) != 0 {
				t.Fatalf("prefs of a new user = %v, %v; want none", got, err)
			}
			if err := db.SetPref(ctx, anna.ID, "mark_read_delay", "5"); err != nil {
				t.Fatal(err)
			}
			if err := db.SetPref(ctx, anna.ID, "mark_read_delay", "10"); err != nil {
				t.Fatalf("replacing a pref: %v", err)
			}
			if err := db.SetPref(ctx, anna.ID, "page_size", "100"); err != nil {
				t.Fatal(err)
			}
			if err := db.SetPref(ctx, anna.ID, "", "x"); !errors.Is(err, store.ErrInvalidPref) {
				t.Fatalf("empty pref name: %v, want ErrInvalidPref", err)
			}
			if err := db.SetPref(ctx, anna.ID, "big", strings.Repeat("x", 1025)); !errors.Is(err, store.ErrInvalidPref) {
				t.Fatalf("oversized value: %v, want ErrInvalidPref", err)
			}
			// Read-your-writes: the primary has the new value at once.
			got, err := db.Prefs(store.WithPrimaryReads(ctx), anna.ID)
			if err != nil || got["mark_read_delay"] != "10" || got["page_size"] != "100" || len(got) != 2 {
				t.Fatalf("prefs from the primary = %v, %v", got, err)
			}
			waitReplicated(t)
			got, err = db.Prefs(ctx, anna.ID)
			if err != nil || got["mark_read_delay"] != "10" || len(got) != 2 {
				t.Fatalf("prefs from the read pool = %v, %v", got, err)
			}
			if got, _ := db.Prefs(ctx, bob.ID); len(got) != 0 {
				t.Fatalf("bob sees anna's prefs: %v", got)
			}
		})
	}
}

func TestTrustedSenders(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, waitReplicated := openMigrated(t, b)
			ctx := context.Background()
			anna, err := db.RecordLogin(ctx, "anna@example.test")
			if err != nil {
				t.Fatal(err)
			}
			bob, err := db.RecordLogin(ctx, "bob@example.test")
			if err != nil {
				t.Fatal(err)
			}
			for _, sender := range []string{"News@Shop.example", "news@shop.example", " friend@example.org "} {
				if err := db.TrustSender(ctx, anna.ID, sender); err != nil {
					t.Fatalf("TrustSender(%q): %v", sender, err)
				}
			}
			if err := db.TrustSender(ctx, anna.ID, ""); !errors.Is(err, store.ErrInvalidPref) {
				t.Fatalf("empty sender: %v, want ErrInvalidPref", err)
			}
			waitReplicated(t)
			for sender, want := range map[string]bool{
				"news@shop.example": true, "NEWS@SHOP.EXAMPLE": true, "friend@example.org": true,
				"other@shop.example": false, "": false,
			} {
				got, err := db.IsTrustedSender(ctx, anna.ID, sender)
				if err != nil || got != want {
					t.Errorf("IsTrustedSender(anna, %q) = %v, %v; want %v", sender, got, err, want)
				}
			}
			if got, _ := db.IsTrustedSender(ctx, bob.ID, "news@shop.example"); got {
				t.Error("bob trusts anna's sender")
			}
			list, err := db.TrustedSenders(ctx, anna.ID)
			if err != nil || !slices.Equal(list, []string{"friend@example.org", "news@shop.example"}) {
				t.Fatalf("TrustedSenders = %v, %v", list, err)
			}
			if err := db.UntrustSender(ctx, anna.ID, "News@Shop.Example"); err != nil {
				t.Fatal(err)
			}
			if err := db.UntrustSender(ctx, anna.ID, "never@trusted.example"); err != nil {
				t.Fatalf("untrusting an unknown sender: %v", err)
			}
			if got, err := db.IsTrustedSender(store.WithPrimaryReads(ctx), anna.ID, "news@shop.example"); err != nil || got {
				t.Fatalf("after UntrustSender: %v, %v", got, err)
			}
		})
	}
}

// TestSetPrefsAndPrefsByEmail: a settings form saves all its values in one
// go (or none, when one is invalid), and the list page reads them by login
// in one query, from the primary right after the save.
func TestSetPrefsAndPrefsByEmail(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, waitReplicated := openMigrated(t, b)
			ctx := context.Background()
			anna, err := db.RecordLogin(ctx, "anna@example.test")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.RecordLogin(ctx, "bob@example.test"); err != nil {
				t.Fatal(err)
			}
			if err := db.SetPref(ctx, anna.ID, "trusted_note", "kept"); err != nil {
				t.Fatal(err)
			}
			if err := db.SetPrefs(ctx, anna.ID, map[string]string{"page_size": "25", "mark_read_delay": "-1"}); err != nil {
				t.Fatal(err)
			}
			if err := db.SetPrefs(ctx, anna.ID, map[string]string{"page_size": "100", "list_view": "threads"}); err != nil {
				t.Fatalf("replacing prefs: %v", err)
			}
			// One invalid value: nothing of that save is stored.
			err = db.SetPrefs(ctx, anna.ID, map[string]string{"page_size": "200", "": "x"})
			if !errors.Is(err, store.ErrInvalidPref) {
				t.Fatalf("SetPrefs with an empty name: %v, want ErrInvalidPref", err)
			}
			want := map[string]string{"trusted_note": "kept", "page_size": "100", "mark_read_delay": "-1", "list_view": "threads"}
			got, err := db.PrefsByEmail(store.WithPrimaryReads(ctx), "anna@example.test")
			if err != nil || !maps.Equal(got, want) {
				t.Fatalf("PrefsByEmail from the primary = %v, %v; want %v", got, err, want)
			}
			waitReplicated(t)
			if got, err := db.PrefsByEmail(ctx, "anna@example.test"); err != nil || !maps.Equal(got, want) {
				t.Fatalf("PrefsByEmail from the read pool = %v, %v; want %v", got, err, want)
			}
			for _, email := range []string{"bob@example.test", "nobody@example.test"} {
				if got, err := db.PrefsByEmail(ctx, email); err != nil || len(got) != 0 {
					t.Fatalf("PrefsByEmail(%s) = %v, %v; want none", email, got, err)
				}
			}
		})
	}
}
