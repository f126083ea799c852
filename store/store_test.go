package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// backend is one database the store tests run on.
type backend struct {
	name string
	open func(t *testing.T) (*store.DB, func(t *testing.T))
}

func backends() []backend {
	return []backend{
		{"sqlite", func(t *testing.T) (*store.DB, func(*testing.T)) {
			db, err := store.Open(store.Options{SQLitePath: filepath.Join(t.TempDir(), "webmail.db")})
			if err != nil {
				t.Fatal(err)
			}
			return db, func(*testing.T) {}
		}},
		{"mariadb", func(t *testing.T) (*store.DB, func(*testing.T)) {
			m := testenv.NewMariaDB(t)
			db, err := store.Open(store.Options{WriteDSN: m.PrimaryDSN, ReadDSNs: []string{m.ReplicaDSN}})
			if err != nil {
				t.Fatal(err)
			}
			return db, func(t *testing.T) { m.WaitReplicated(t) }
		}},
	}
}

func openMigrated(t *testing.T, b backend) (*store.DB, func(*testing.T)) {
	t.Helper()
	db, wait := b.open(t)
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("fresh database: CheckSchema = %v, want ErrSchemaOutdated", err)
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := db.Migrations()
	if n != len(ms) {
		t.Fatalf("applied %d migrations, want %d", n, len(ms))
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatalf("after migrate: %v", err)
	}
	if n, err := db.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("second migrate: applied %d, %v; want 0, nil", n, err)
	}
	return db, wait
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { openMigrated(t, b) })
	}
}

// TestUserWriteThenReplicaRead writes on the primary and reads the same row
// back through the read pool, which on MariaDB is the replica.
func TestUserWriteThenReplicaRead(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, waitReplicated := openMigrated(t, b)
			ctx := context.Background()
			u, err := db.RecordLogin(ctx, "anna@example.test")
			if err != nil {
				t.Fatal(err)
			}
			again, err := db.RecordLogin(ctx, "anna@example.test")
			if err != nil || again.ID != u.ID {
				t.Fatalf("second login: %+v, %v; want same ID %d", again, err, u.ID)
			}
			waitReplicated(t)
			got, err := db.UserByEmail(ctx, "anna@example.test")
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != u.ID || got.Email != "anna@example.test" {
				t.Fatalf("replica read %+v, want %+v", got, u)
			}
			if _, err := db.UserByEmail(ctx, "nobody@example.test"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("missing user: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestReplicaIsReadOnlyForTheApp(t *testing.T) {
	m := testenv.NewMariaDB(t)
	db, err := store.Open(store.Options{WriteDSN: m.ReplicaDSN})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Write().Exec(`CREATE TABLE should_fail (id INT)`)
	if err == nil {
		t.Fatal("the app user could write on the read-only replica")
	}
}

func TestSessionRows(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, _ := openMigrated(t, b)
			ctx := context.Background()
			if err := db.SaveSessionData(ctx, "s1", []byte("one"), time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := db.SaveSessionData(ctx, "s1", []byte("two"), time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			got, err := db.SessionData(ctx, "s1")
			if err != nil || string(got) != "two" {
				t.Fatalf("SessionData = %q, %v; want two", got, err)
			}
			if err := db.SaveSessionData(ctx, "old", []byte("x"), time.Now().Add(-time.Second)); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SessionData(ctx, "old"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("expired session: %v, want ErrNotFound", err)
			}
			n, err := db.DeleteExpiredSessions(ctx, 100)
			if err != nil || n != 1 {
				t.Fatalf("DeleteExpiredSessions = %d, %v; want 1", n, err)
			}
			if err := db.DeleteSession(ctx, "s1"); err != nil {
				t.Fatal(err)
			}
			if err := db.DeleteSession(ctx, "s1"); err != nil {
				t.Fatalf("deleting twice: %v", err)
			}
			if _, err := db.SessionData(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("deleted session: %v", err)
			}
		})
	}
}

// TestReplicaDownFallsBackToPrimary stops the replica: reads still answer.
func TestReplicaDownFallsBackToPrimary(t *testing.T) {
	m := testenv.NewMariaDB(t)
	db, err := store.Open(store.Options{WriteDSN: m.PrimaryDSN, ReadDSNs: []string{m.ReplicaDSN}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordLogin(ctx, "ben@example.test"); err != nil {
		t.Fatal(err)
	}
	m.WaitReplicated(t)
	m.StopReplica(t)
	defer m.StartReplica(t)
	for i := 0; i < 3; i++ {
		if _, err := db.UserByEmail(ctx, "ben@example.test"); err != nil {
			t.Fatalf("read %d with the replica down: %v", i, err)
		}
	}
}
