package store_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/migrations"
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

// TestMigrationsMatchAcrossDialects: both dialects have the same migration
// files (number and name), and once migrated the same tables with the same
// column names (types may differ).
func TestMigrationsMatchAcrossDialects(t *testing.T) {
	files := map[string][]string{}
	for _, dir := range []string{"mysql", "sqlite"} {
		entries, err := fs.ReadDir(migrations.FS, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			files[dir] = append(files[dir], e.Name())
		}
	}
	if len(files["mysql"]) == 0 || !slices.Equal(files["mysql"], files["sqlite"]) {
		t.Errorf("migration files differ:\n  mysql:  %v\n  sqlite: %v", files["mysql"], files["sqlite"])
	}

	columnsQuery := map[string]string{
		"sqlite": `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'`,
		"mariadb": `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = DATABASE()`,
	}
	schemas := map[string][]string{} // backend -> sorted "table.column"
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, _ := openMigrated(t, b)
			rows, err := db.Write().Query(columnsQuery[b.name])
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var cols []string
			for rows.Next() {
				var table, column string
				if err := rows.Scan(&table, &column); err != nil {
					t.Fatal(err)
				}
				cols = append(cols, table+"."+column)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			slices.Sort(cols)
			schemas[b.name] = cols
		})
	}
	sqlite, mariadb := schemas["sqlite"], schemas["mariadb"]
	if len(sqlite) == 0 || len(mariadb) == 0 {
		t.Fatalf("no columns read: sqlite %d, mariadb %d", len(sqlite), len(mariadb))
	}
	for _, c := range sqlite {
		if !slices.Contains(mariadb, c) {
			t.Errorf("%s exists on SQLite only", c)
		}
	}
	for _, c := range mariadb {
		if !slices.Contains(sqlite, c) {
			t.Errorf("%s exists on MariaDB only", c)
		}
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
			// A failed replica read would be retried on the primary and
			// succeed there: only the fallback counter tells.
			fallbacks := db.PrimaryFallbacks()
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
			if n := db.PrimaryFallbacks() - fallbacks; n != 0 {
				t.Fatalf("%d read(s) fell back to the primary: the read pool did not answer", n)
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
			expires := time.Now().Add(2 * time.Hour)
			for i := range 2 { // the second writes what the row holds: MySQL counts no changed row
				if err := db.TouchSessionData(ctx, "s1", []byte("three"), expires); err != nil {
					t.Fatalf("touch %d of a live session: %v", i+1, err)
				}
			}
			if got, err := db.SessionData(ctx, "s1"); err != nil || string(got) != "three" {
				t.Fatalf("SessionData after touch = %q, %v; want three", got, err)
			}
			if err := db.TouchSessionData(ctx, "old", []byte("y"), expires); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("touch of an expired session: %v, want ErrNotFound", err)
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
			if err := db.TouchSessionData(ctx, "s1", []byte("four"), expires); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("touch of a deleted session: %v, want ErrNotFound", err)
			}
			if _, err := db.SessionData(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("touch brought a deleted session back: %v", err)
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

// TestMigrateWithoutReadTimeout: the serving pool's read timeout (here 1 s
// from the DSN) does not apply to Migrate, whose statements may run long.
// Waiting for the migration lock is such a read: Migrate must outwait a
// lock held for longer than the read timeout instead of failing.
func TestMigrateWithoutReadTimeout(t *testing.T) {
	m := testenv.NewMariaDB(t)
	db, err := store.Open(store.Options{WriteDSN: m.PrimaryDSN + "&readTimeout=1s"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.Write().ExecContext(ctx, `SELECT SLEEP(2)`); err == nil {
		t.Fatal("a 2 s query on the serving pool succeeded: the test needs its 1 s read timeout")
	}

	root, err := sql.Open("mysql", m.RootPrimaryDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	holder, err := root.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	var got int
	if err := holder.QueryRowContext(ctx, `SELECT GET_LOCK('webmail_migrate', 10)`).Scan(&got); err != nil || got != 1 {
		t.Fatalf("taking the migration lock: %d, %v", got, err)
	}
	const held = 2500 * time.Millisecond
	go func() {
		time.Sleep(held)
		holder.ExecContext(ctx, `SELECT RELEASE_LOCK('webmail_migrate')`)
	}()
	started := time.Now()
	n, err := db.Migrate(ctx)
	if err != nil {
		t.Fatalf("Migrate while the lock was held for %s: %v", held, err)
	}
	if waited := time.Since(started); waited < 2*time.Second {
		t.Fatalf("Migrate returned after %s: it did not wait for the lock", waited)
	}
	if ms, _ := db.Migrations(); n != len(ms) {
		t.Fatalf("applied %d migrations, want %d", n, len(ms))
	}
}
