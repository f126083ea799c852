package attachments_test

import (
	"database/sql"
	"strings"
	"sync"
	"testing"

	"github.com/webmail/webmail/attachments"
)

// schemaOpeners is how many instances open the backend at once in the
// concurrent schema tests.
const schemaOpeners = 8

// testSQLSchemaConcurrentOpen opens the backend from schemaOpeners pools
// at once on one empty database (each pool stands for an instance
// starting), then checks the tables work and that opening again keeps
// what they hold.
func testSQLSchemaConcurrentOpen(t *testing.T, dialect string, open func(*testing.T) *sql.DB) {
	pools := make([]*sql.DB, schemaOpeners)
	for i := range pools {
		pools[i] = open(t)
	}
	errs := make([]error, len(pools))
	var start, done sync.WaitGroup
	start.Add(1)
	for i, db := range pools {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			_, errs[i] = attachments.Open(t.Context(), "sql", attachments.Config{DB: db, Dialect: dialect})
		}()
	}
	start.Done()
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: Open(sql): %v", i, err)
		}
	}
	if t.Failed() {
		return
	}
	first := openSQL(t, pools[0], dialect)
	if err := first.Put(t.Context(), "doc", strings.NewReader("kept"), 4, "text/plain"); err != nil {
		t.Fatal(err)
	}
	again := openSQL(t, pools[len(pools)-1], dialect)
	if got := readString(t, again, "doc"); got != "kept" {
		t.Errorf("after opening again: %q, want %q", got, "kept")
	}
}
