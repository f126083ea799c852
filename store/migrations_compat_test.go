package store

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/webmail/webmail/internal/testenv"
)

// columnShape is what the previous release's statements depend on in a
// column: its type and whether it may be NULL, and for a new column
// whether an INSERT that does not name it still works.
type columnShape struct {
	Type       string // with the collation on MySQL
	Nullable   bool
	HasDefault bool // a default or AUTO_INCREMENT
}

// schemaShape is a database's tables, columns and unique keys.
type schemaShape struct {
	columns map[string]map[string]columnShape // table -> column -> shape
	uniques map[string][]string               // table -> unique keys as "col1,col2"
}

// compatProblems lists what in after could break statements written for
// before: a table, column or unique key gone, a column retyped or made
// NOT NULL, a NOT NULL column without a default added to an existing
// table, a unique key added to an existing table.
func compatProblems(before, after schemaShape) []string {
	var problems []string
	for table, cols := range before.columns {
		newCols, ok := after.columns[table]
		if !ok {
			problems = append(problems, "table "+table+" is gone")
			continue
		}
		for name, was := range cols {
			now, ok := newCols[name]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("column %s.%s is gone", table, name))
			case now.Type != was.Type || now.Nullable != was.Nullable:
				problems = append(problems, fmt.Sprintf("column %s.%s changed from %+v to %+v", table, name, was, now))
			}
		}
		for name, now := range newCols {
			if _, old := cols[name]; !old && !now.Nullable && !now.HasDefault {
				problems = append(problems, fmt.Sprintf("new column %s.%s is NOT NULL without a default", table, name))
			}
		}
		for _, key := range before.uniques[table] {
			if !slices.Contains(after.uniques[table], key) {
				problems = append(problems, fmt.Sprintf("unique key (%s) on %s is gone", key, table))
			}
		}
		for _, key := range after.uniques[table] {
			if !slices.Contains(before.uniques[table], key) {
				problems = append(problems, fmt.Sprintf("new unique key (%s) on the existing table %s", key, table))
			}
		}
	}
	slices.Sort(problems)
	return problems
}

// readSchemaShape reads the shape of db's schema from the catalog.
func readSchemaShape(ctx context.Context, t *testing.T, db *DB) schemaShape {
	t.Helper()
	columnsQuery := `SELECT m.name, p.name, p.type, p."notnull" = 0, p.dflt_value IS NOT NULL
		FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'`
	uniquesQuery := `SELECT m.name, il.name, ii.name
		FROM sqlite_master m, pragma_index_list(m.name) il, pragma_index_info(il.name) ii
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\' AND il."unique" = 1
		ORDER BY m.name, il.name, ii.seqno`
	if db.dialect == MySQL {
		columnsQuery = `SELECT table_name, column_name, CONCAT(column_type, ' ', COALESCE(collation_name, '')),
			is_nullable = 'YES', column_default IS NOT NULL OR extra LIKE '%auto_increment%'
			FROM information_schema.columns WHERE table_schema = DATABASE()`
		uniquesQuery = `SELECT table_name, index_name, column_name FROM information_schema.statistics
			WHERE table_schema = DATABASE() AND non_unique = 0 ORDER BY table_name, index_name, seq_in_index`
	}
	shape := schemaShape{columns: map[string]map[string]columnShape{}, uniques: map[string][]string{}}
	rows, err := db.write.QueryContext(ctx, columnsQuery)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table, column string
		var c columnShape
		if err := rows.Scan(&table, &column, &c.Type, &c.Nullable, &c.HasDefault); err != nil {
			t.Fatal(err)
		}
		if shape.columns[table] == nil {
			shape.columns[table] = map[string]columnShape{}
		}
		shape.columns[table][column] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	rows, err = db.write.QueryContext(ctx, uniquesQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	keys := map[[2]string][]string{} // (table, index) -> columns in order
	var order [][2]string
	for rows.Next() {
		var table, index, column string
		if err := rows.Scan(&table, &index, &column); err != nil {
			t.Fatal(err)
		}
		k := [2]string{table, index}
		if _, seen := keys[k]; !seen {
			order = append(order, k)
		}
		keys[k] = append(keys[k], column)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, k := range order {
		shape.uniques[k[0]] = append(shape.uniques[k[0]], strings.Join(keys[k], ","))
	}
	return shape
}

// applyOne applies migration m alone, as Migrate would.
func applyOne(ctx context.Context, t *testing.T, db *DB, m Migration) {
	t.Helper()
	conn, err := db.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, createVersionTable); err != nil {
		t.Fatal(err)
	}
	if err := db.apply(ctx, conn, m); err != nil {
		t.Fatal(err)
	}
}

// compatBackends opens an empty database of each dialect.
func compatBackends(t *testing.T) map[string]*DB {
	sqlite, err := Open(Options{SQLitePath: filepath.Join(t.TempDir(), "webmail.db")})
	if err != nil {
		t.Fatal(err)
	}
	m := testenv.NewMariaDB(t)
	mariadb, err := Open(Options{WriteDSN: m.PrimaryDSN})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlite.Close(); mariadb.Close() })
	return map[string]*DB{"sqlite": sqlite, "mariadb": mariadb}
}

// TestMigrationsKeepThePreviousSchema migrates a database one version at a
// time and, for every migration above the baseline, compares the schema
// before and after it: the previous release runs its statements (which
// name their columns, TestQueriesNameTheirColumns) against the schema
// after `migrate`, so nothing it reads or writes may change under it.
// What this cannot see (a column the new release leaves unwritten that the
// previous release still reads, a value's meaning changing) is the rolling
// upgrade test's to find.
func TestMigrationsKeepThePreviousSchema(t *testing.T) {
	ctx := context.Background()
	for name, db := range compatBackends(t) {
		t.Run(name, func(t *testing.T) {
			ms, err := db.Migrations()
			if err != nil {
				t.Fatal(err)
			}
			before := readSchemaShape(ctx, t, db)
			for _, m := range ms {
				applyOne(ctx, t, db, m)
				after := readSchemaShape(ctx, t, db)
				problems := compatProblems(before, after)
				switch {
				case m.Version > expandBaseline && len(problems) > 0:
					t.Errorf("%s breaks the previous release (migrations/README.md):\n  %s", m.Name, strings.Join(problems, "\n  "))
				case m.Version == 4 && db.dialect == MySQL && len(problems) == 0:
					// History, kept as proof that the comparison sees a
					// change in place: 0004 changed users.email's collation.
					t.Errorf("%s: the collation change of users.email went unseen", m.Name)
				}
				before = after
			}
		})
	}
}

// TestCompatProblemsSeesBreakingChanges runs changes that would break the
// previous release on a migrated SQLite database and checks that each is
// reported, and that adding what it can ignore is not.
func TestCompatProblemsSeesBreakingChanges(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		sql      string
		breaking bool
	}{
		{"ALTER TABLE composes ADD COLUMN version INTEGER NOT NULL DEFAULT 1", false},
		{"ALTER TABLE composes ADD COLUMN note TEXT", false},
		{"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)", false},
		{"CREATE INDEX composes_kind ON composes (kind)", false},
		{"ALTER TABLE composes DROP COLUMN orig_uid", true},
		{"ALTER TABLE composes RENAME COLUMN kind TO sort", true},
		{"ALTER TABLE composes RENAME TO drafts", true},
		{"CREATE UNIQUE INDEX composes_subject ON composes (subject)", true},
		{"DROP INDEX outbox_compose", true},
		{"DROP TABLE trusted_senders", true},
	}
	for _, c := range cases {
		db, err := Open(Options{SQLitePath: filepath.Join(t.TempDir(), "webmail.db")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		before := readSchemaShape(ctx, t, db)
		if _, err := db.write.ExecContext(ctx, c.sql); err != nil {
			t.Fatalf("%s: %v", c.sql, err)
		}
		problems := compatProblems(before, readSchemaShape(ctx, t, db))
		if c.breaking != (len(problems) > 0) {
			t.Errorf("%s: problems %v, want breaking %v", c.sql, problems, c.breaking)
		}
		db.Close()
	}
}

// unnamedColumnsRe matches statements whose meaning changes when a column
// is added: SELECT * and INSERT without a column list.
var unnamedColumnsRe = regexp.MustCompile(`(?i)\bSELECT\s+(?:DISTINCT\s+)?(?:\w+\.)?\*|\bINSERT\s+INTO\s+\w+\s+(?:VALUES|SELECT)\b`)

// TestQueriesNameTheirColumns keeps the code's SQL safe from the expand
// half of the rule: a statement that names its columns runs the same
// after a release adds a column; SELECT * scans one value too many, and
// an INSERT without a column list has one too few.
func TestQueriesNameTheirColumns(t *testing.T) {
	root := ".."
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		if loc := unnamedColumnsRe.FindIndex(src); loc != nil {
			line := 1 + strings.Count(string(src[:loc[0]]), "\n")
			t.Errorf("%s:%d: %q: name the columns (migrations/README.md)", path, line, src[loc[0]:loc[1]])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked %d Go files: not the repository root?", checked)
	}
	for _, bad := range []string{"SELECT * FROM users", "select u.* from users u", "INSERT INTO heartbeat VALUES (1, 0)"} {
		if !unnamedColumnsRe.MatchString(bad) {
			t.Errorf("%q not caught", bad)
		}
	}
}
