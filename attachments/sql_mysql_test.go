package attachments_test

import (
	"database/sql"
	"strings"
	"testing"

	_ "github.com/go-sql-driver/mysql"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/attachments/attachmentstest"
	"github.com/webmail/webmail/internal/testenv"
)

// newMariaDB returns a pool on a fresh, empty MariaDB database: the
// backend creates its own tables when opened.
func newMariaDB(t *testing.T) *sql.DB {
	t.Helper()
	return openMariaDB(t, testenv.NewMariaDB(t).PrimaryDSN)
}

// openMariaDB opens a pool on dsn, closed at the end of the test.
func openMariaDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
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

// TestMariaDBSchemaConcurrentOpen: instances starting together on an empty
// database all open the backend, and the tables they create work.
func TestMariaDBSchemaConcurrentOpen(t *testing.T) {
	dsn := testenv.NewMariaDB(t).PrimaryDSN
	testSQLSchemaConcurrentOpen(t, "mysql", func(t *testing.T) *sql.DB { return openMariaDB(t, dsn) })
}

// TestMariaDBSchemaCollation: the tables the backend creates compare keys
// byte by byte.
func TestMariaDBSchemaCollation(t *testing.T) {
	db := newMariaDB(t)
	openSQL(t, db, "mysql")
	for _, table := range []string{"attachment_objects", "attachment_chunks"} {
		var collation string
		if err := db.QueryRowContext(t.Context(),
			`SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'object_key'`,
			table).Scan(&collation); err != nil {
			t.Fatal(err)
		}
		if collation != "utf8mb4_bin" {
			t.Errorf("%s.object_key collation %q, want utf8mb4_bin", table, collation)
		}
	}
}
