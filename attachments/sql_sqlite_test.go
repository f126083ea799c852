package attachments_test

import (
	"bytes"
	"database/sql"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/attachments/attachmentstest"
)

// newSQLiteDB returns a pool on a fresh, empty SQLite file: the backend
// creates its own tables when opened.
func newSQLiteDB(t *testing.T) *sql.DB {
	t.Helper()
	return openSQLiteFile(t, filepath.Join(t.TempDir(), "webmail.db"))
}

// openSQLiteFile opens path the way package store opens its write pool:
// WAL, a busy timeout so writers wait for each other, transactions that
// take the write lock at once, and one connection.
func openSQLiteFile(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func openSQL(t *testing.T, db *sql.DB, dialect string) attachments.Store {
	t.Helper()
	store, err := attachments.Open(t.Context(), "sql", attachments.Config{DB: db, Dialect: dialect})
	if err != nil {
		t.Fatalf("Open(sql): %v", err)
	}
	return store
}

func TestSQLiteConformance(t *testing.T) {
	attachmentstest.Run(t, func(t *testing.T) attachments.Store {
		return openSQL(t, newSQLiteDB(t), "sqlite")
	})
}

func TestSQLiteChangedWhileReading(t *testing.T) {
	testSQLChangedWhileReading(t, openSQL(t, newSQLiteDB(t), "sqlite"))
}

func TestSQLiteSweep(t *testing.T) {
	db := newSQLiteDB(t)
	testSQLSweep(t, db, openSQL(t, db, "sqlite"))
}

func TestSQLOpenErrors(t *testing.T) {
	if _, err := attachments.Open(t.Context(), "sql", attachments.Config{Dialect: "sqlite"}); err == nil {
		t.Errorf("Open(sql) without DB succeeded")
	}
	db := newSQLiteDB(t)
	if _, err := attachments.Open(t.Context(), "sql", attachments.Config{DB: db, Dialect: "postgres"}); err == nil {
		t.Errorf("Open(sql) with an unknown dialect succeeded")
	}
}

// TestSQLitePingWithoutTables: tables dropped under a running backend
// (opening it creates them) make Ping fail.
func TestSQLitePingWithoutTables(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := openSQL(t, db, "sqlite")
	if _, err := db.ExecContext(t.Context(), `DROP TABLE attachment_objects`); err != nil {
		t.Fatal(err)
	}
	if err := store.Ping(t.Context()); err == nil {
		t.Errorf("Ping without the tables = nil, want an error")
	}
}

// TestSQLiteSchemaConcurrentOpen: processes starting together on one new
// SQLite file all open the backend, and the tables they create work.
func TestSQLiteSchemaConcurrentOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "webmail.db")
	testSQLSchemaConcurrentOpen(t, "sqlite", func(t *testing.T) *sql.DB { return openSQLiteFile(t, path) })
}

// testSQLChangedWhileReading replaces an object under a reader: the reader
// must fail with ErrChanged, never mix versions.
func testSQLChangedWhileReading(t *testing.T, store attachments.Store) {
	ctx := t.Context()
	old := bytes.Repeat([]byte("o"), 3<<20)
	if err := store.Put(ctx, "changing", bytes.NewReader(old), int64(len(old)), ""); err != nil {
		t.Fatal(err)
	}
	rc, _, err := store.Get(ctx, "changing")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	first := make([]byte, 10)
	if _, err := io.ReadFull(rc, first); err != nil {
		t.Fatal(err)
	}
	if err := store.Put(ctx, "changing", strings.NewReader("new"), 3, ""); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(rc)
	if !errors.Is(err, attachments.ErrChanged) {
		t.Errorf("reading on after the object changed: %v, want ErrChanged", err)
	}
	if bytes.ContainsAny(rest, "new") {
		t.Errorf("the old reader returned bytes of the new version")
	}
}

// testSQLSweep leaves the chunks of a crashed Put behind and sweeps them.
func testSQLSweep(t *testing.T, db *sql.DB, store attachments.Store) {
	ctx := t.Context()
	if err := store.Put(ctx, "doc", strings.NewReader("kept"), 4, ""); err != nil {
		t.Fatal(err)
	}
	// A generation made two hours ago by a process that died mid-Put, and
	// one being written right now.
	stale := fmt16(time.Now().Add(-2*time.Hour).UnixNano()) + "-0000000000000001"
	fresh := fmt16(time.Now().UnixNano()) + "-0000000000000002"
	for _, generation := range []string{stale, fresh} {
		for seq := range 3 {
			if _, err := db.ExecContext(ctx, `INSERT INTO attachment_chunks (object_key, generation, seq, data) VALUES (?, ?, ?, ?)`,
				"doc", generation, seq, []byte("partial")); err != nil {
				t.Fatal(err)
			}
		}
	}
	removed, err := store.(attachments.Sweeper).Sweep(ctx, time.Hour)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if removed != 1 {
		t.Errorf("Sweep removed %d generations, want 1", removed)
	}
	count := func(generation string) (n int) {
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachment_chunks WHERE generation = ?`, generation).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(stale); n != 0 {
		t.Errorf("%d chunks of the stale generation left", n)
	}
	if n := count(fresh); n != 3 {
		t.Errorf("%d chunks of the fresh generation left, want 3", n)
	}
	rc, _, err := store.Get(ctx, "doc")
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(data) != "kept" {
		t.Errorf("after Sweep: %q, %v", data, err)
	}
}

// fmt16 formats n as the sql backend formats generation times.
func fmt16(n int64) string {
	const digits = "0123456789abcdef"
	var b [16]byte
	for i := 15; i >= 0; i-- {
		b[i] = digits[n&0xf]
		n >>= 4
	}
	return string(b[:])
}
