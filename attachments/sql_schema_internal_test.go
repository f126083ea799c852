package attachments

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/webmail/webmail/migrations"
)

// TestSQLSchemaMatchesMigration: the tables the backend creates are the
// ones the project's first migration created, so installations migrated
// before the backend owned its schema have the same tables as new ones.
func TestSQLSchemaMatchesMigration(t *testing.T) {
	tests := []struct {
		migration string
		stmts     []string
	}{
		{"mysql/0001_init.sql", []string{mysqlObjectsTable, mysqlChunksTable}},
		{"sqlite/0001_init.sql", []string{sqliteObjectsTable, sqliteChunksTable}},
	}
	for _, tt := range tests {
		data, err := fs.ReadFile(migrations.FS, tt.migration)
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range tt.stmts {
			table := regexp.MustCompile(`attachment_\w+`).FindString(stmt)
			want := regexp.MustCompile(`(?s)CREATE TABLE ` + table + ` \(.*?\n\)[^;]*;`).FindString(string(data))
			got := strings.Replace(stmt, "CREATE TABLE IF NOT EXISTS ", "CREATE TABLE ", 1) + ";"
			if want == "" || got != want {
				t.Errorf("%s: the backend creates\n%s\nthe migration created\n%s", tt.migration, got, want)
			}
		}
	}
}
