package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/store"
)

// openInstances opens n stores on one fresh, migrated database, as n
// webmail instances would: each its own pools, the same rows.
func openInstances(t *testing.T, backendName string, n int) []*store.DB {
	t.Helper()
	var opts store.Options
	switch backendName {
	case "sqlite":
		opts.SQLitePath = filepath.Join(t.TempDir(), "webmail.db")
	case "mariadb":
		m := testenv.NewMariaDB(t)
		opts.WriteDSN, opts.ReadDSNs = m.PrimaryDSN, []string{m.ReplicaDSN}
	default:
		t.Fatalf("unknown backend %q", backendName)
	}
	var dbs []*store.DB
	for range n {
		db, err := store.Open(opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	if _, err := dbs[0].Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return dbs
}

// twoUsers records two logins and returns them.
func twoUsers(t *testing.T, db *store.DB) (anna, bob store.User) {
	t.Helper()
	ctx := context.Background()
	anna, err := db.RecordLogin(ctx, "anna@example.test")
	if err != nil {
		t.Fatal(err)
	}
	bob, err = db.RecordLogin(ctx, "bob@example.test")
	if err != nil {
		t.Fatal(err)
	}
	return anna, bob
}
