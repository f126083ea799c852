package store_test

import (
	"context"
	"testing"
)

// TestUsersAreExact: logins that differ by case or accent are different
// users on both dialects, so one can never read the other's settings.
func TestUsersAreExact(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, _ := openMigrated(t, b)
			ctx := context.Background()
			ids := map[int64]string{}
			for _, email := range []string{"andre@example.test", "andré@example.test", "Andre@example.test"} {
				u, err := db.RecordLogin(ctx, email)
				if err != nil {
					t.Fatal(err)
				}
				if other, ok := ids[u.ID]; ok {
					t.Fatalf("%s and %s are the same user %d", email, other, u.ID)
				}
				if u.Email != email {
					t.Fatalf("RecordLogin(%s) returned %s", email, u.Email)
				}
				ids[u.ID] = email
			}
		})
	}
}
