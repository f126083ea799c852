package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/webmail/webmail/store"
)

// TestUndoSendDelayPref: the delay is stored like any setting but only
// within 0-30 s; reading falls back to the default.
func TestUndoSendDelayPref(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, _ := openMigrated(t, b)
			ctx := store.WithPrimaryReads(context.Background())
			anna, _ := twoUsers(t, db)
			prefs, err := db.Prefs(ctx, anna.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := store.UndoSendDelay(prefs); got != 10*time.Second {
				t.Fatalf("default delay = %s, want 10s", got)
			}
			for _, bad := range []string{"31", "-1", "", "5s", "ten"} {
				if err := db.SetPref(ctx, anna.ID, store.PrefUndoSendDelay, bad); !errors.Is(err, store.ErrInvalidPref) {
					t.Errorf("SetPref(%q) = %v, want ErrInvalidPref", bad, err)
				}
				if err := db.SetPrefs(ctx, anna.ID, map[string]string{"page_size": "50", store.PrefUndoSendDelay: bad}); !errors.Is(err, store.ErrInvalidPref) {
					t.Errorf("SetPrefs(%q) = %v, want ErrInvalidPref", bad, err)
				}
			}
			for value, want := range map[string]time.Duration{"0": 0, "30": 30 * time.Second, "7": 7 * time.Second} {
				if err := db.SetPref(ctx, anna.ID, store.PrefUndoSendDelay, value); err != nil {
					t.Fatal(err)
				}
				prefs, err := db.Prefs(ctx, anna.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got := store.UndoSendDelay(prefs); got != want {
					t.Errorf("stored %q: delay %s, want %s", value, got, want)
				}
				if prefs["page_size"] != "" {
					t.Errorf("a refused SetPrefs saved page_size")
				}
			}
			// A value stored before the range existed (or by hand) reads
			// as the default, never as a longer wait.
			if got := store.UndoSendDelay(map[string]string{store.PrefUndoSendDelay: "3600"}); got != 10*time.Second {
				t.Errorf("out-of-range stored value: %s, want the default", got)
			}
		})
	}
}
