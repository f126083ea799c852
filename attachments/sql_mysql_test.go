package attachments_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/attachments/attachmentstest"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/store"
)

// newMariaDB returns a pool on a fresh MariaDB database with the sql
// backend's tables.
func newMariaDB(t *testing.T) *sql.DB {
	t.Helper()
	server := testenv.NewMariaDB(t)
	return migratedPool(t, store.Options{WriteDSN: server.PrimaryDSN})
}

// migratedPool opens the database the way the application does and creates
// the tables with the project's own migrations, so the tests check the
// schema that ships.
func migratedPool(t *testing.T, opts store.Options) *sql.DB {
	t.Helper()
	db, err := store.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("migrating: %v", err)
	}
	return db.Write()
}

func TestMariaDBConformance(t *testing.T) {
	db := newMariaDB(t) // one database: the suite uses distinct keys per subtest
	attachmentstest.Run(t, func(t *testing.T) attachments.Store {
		return openSQL(t, db, "mysql")
	})
}

func TestMariaDBChangedWhileReading(t *testing.T) {
	testSQLChangedWhileReading(t, openSQL(t, newMariaDB(t), "mysql"))
}

func TestMariaDBSweep(t *testing.T) {
	db := newMariaDB(t)
	testSQLSweep(t, db, openSQL(t, db, "mysql"))
}

func TestMariaDBKeysAreCaseSensitive(t *testing.T) {
	store := openSQL(t, newMariaDB(t), "mysql")
	for _, key := range []string{"Doc", "doc"} {
		if err := store.Put(t.Context(), key, strings.NewReader(key), int64(len(key)), ""); err != nil {
			t.Fatal(err)
		}
	}
	if got := readString(t, store, "Doc"); got != "Doc" {
		t.Errorf("Get(Doc) = %q", got)
	}
}
