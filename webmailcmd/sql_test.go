package webmailcmd

import (
	"database/sql"
	"testing"

	_ "github.com/go-sql-driver/mysql"
)

func mysqlQuery(t *testing.T, dsn, query string, args ...any) string {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s string
	if err := db.QueryRow(query, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return s
}
