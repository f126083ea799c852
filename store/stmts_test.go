package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/webmail/webmail/store"
)

// TestPreparedReadsFollowWrites checks, on both dialects, that the
// per-request reads answered from prepared statements see every write
// (a statement is reused, never its answer), including a session replaced
// and deleted between reads, and that closing the database with cached
// statements is clean.
func TestPreparedReadsFollowWrites(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, _ := openMigrated(t, b)
			ctx := context.Background()
			expires := time.Now().Add(time.Hour)
			for i := 0; i < 3; i++ {
				want := []byte{'v', byte('0' + i)}
				if err := db.SaveSessionData(ctx, "s1", want, expires); err != nil {
					t.Fatal(err)
				}
				for j := 0; j < 2; j++ {
					got, err := db.SessionData(ctx, "s1")
					if err != nil || string(got) != string(want) {
						t.Fatalf("round %d read %d: %q, %v; want %q", i, j, got, err, want)
					}
				}
			}
			if err := db.DeleteSession(ctx, "s1"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SessionData(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("deleted session: %v, want ErrNotFound", err)
			}
			if err := db.Close(); err != nil {
				t.Fatalf("close with prepared statements: %v", err)
			}
		})
	}
}
