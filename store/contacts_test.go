package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/store"
)

func contactEmails(cs []store.Contact) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Email)
	}
	return out
}

func TestContacts(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, waitReplicated := openMigrated(t, b)
			ctx := context.Background()
			anna, bob := twoUsers(t, db)
			t0 := time.UnixMilli(1_700_000_000_000)
			send := func(at time.Time, addrs ...store.Addr) {
				t.Helper()
				if err := db.CollectRecipients(ctx, anna.ID, addrs, at); err != nil {
					t.Fatal(err)
				}
			}
			send(t0, store.Addr{Name: "Carl Berg", Email: "carl@example.test"},
				store.Addr{Email: "Carla@Example.test"}, store.Addr{Name: "Émile Zola", Email: "ez@example.test"},
				store.Addr{Email: "  "}, store.Addr{Email: strings.Repeat("x", 321)})
			send(t0.Add(time.Minute), store.Addr{Email: "carla@example.test"}, store.Addr{Email: "CARLA@example.test"})
			send(t0.Add(2*time.Minute), store.Addr{Name: "Dora", Email: "dora@example.test"})
			send(t0.Add(3*time.Minute), store.Addr{Name: "Carl B.", Email: "carl@example.test"})
			send(t0.Add(4*time.Minute), store.Addr{Email: "carl@example.test"}) // no name: keeps "Carl B."
			if err := db.CollectRecipients(ctx, bob.ID, []store.Addr{{Email: "carl-bob@example.test"}}, t0); err != nil {
				t.Fatal(err)
			}
			waitReplicated(t)

			got, err := db.SearchContacts(ctx, anna.ID, " CAR", 10)
			if err != nil {
				t.Fatal(err)
			}
			// carl: 3 uses; carla: 2 (the same address twice in one send
			// counts once).
			if want := []string{"carl@example.test", "CARLA@example.test"}; fmt.Sprint(contactEmails(got)) != fmt.Sprint(want) {
				t.Fatalf("search car = %v, want %v", contactEmails(got), want)
			}
			if got[0].Name != "Carl B." || got[0].UseCount != 3 || !got[0].LastUsed.Equal(t0.Add(4*time.Minute)) {
				t.Fatalf("carl = %+v; want name Carl B., 3 uses, last at +4m", got[0])
			}
			if got[1].UseCount != 2 || got[1].Email != "CARLA@example.test" {
				t.Fatalf("carla = %+v; want 2 uses, address as last written", got[1])
			}
			byName, err := db.SearchContacts(ctx, anna.ID, "émi", 10)
			if err != nil || len(byName) != 1 || byName[0].Email != "ez@example.test" {
				t.Fatalf("search by name prefix émi = %+v, %v", byName, err)
			}
			if byName, _ := db.SearchContacts(ctx, anna.ID, "ÉMILE Z", 10); len(byName) != 1 {
				t.Fatalf("search by full name, other case = %+v", byName)
			}
			if none, _ := db.SearchContacts(ctx, anna.ID, "berg", 10); len(none) != 0 {
				t.Fatalf("search berg matched inside a name: %+v", none)
			}
			if one, _ := db.SearchContacts(ctx, anna.ID, "c", 1); len(one) != 1 || one[0].Email != "carl@example.test" {
				t.Fatalf("limit 1 = %+v", one)
			}
			// Dora matches by address and by name: listed once.
			if dora, _ := db.SearchContacts(ctx, anna.ID, "dor", 10); len(dora) != 1 {
				t.Fatalf("search dor = %+v; want one contact", dora)
			}
			if empty, _ := db.SearchContacts(ctx, anna.ID, " ", 10); len(empty) != 0 {
				t.Fatalf("blank prefix = %+v; want nothing", empty)
			}
			for _, prefix := range []string{"%", "_", "x"} {
				if got, _ := db.SearchContacts(ctx, anna.ID, prefix, 10); len(got) != 0 {
					t.Fatalf("search %q = %+v; want nothing", prefix, got)
				}
			}
			if other, _ := db.SearchContacts(ctx, bob.ID, "car", 10); len(other) != 1 || other[0].Email != "carl-bob@example.test" {
				t.Fatalf("bob's search = %+v; want only bob's contact", other)
			}
		})
	}
}

// fillContacts collects n distinct recipients for the user, with names and
// use counts that vary, in one send.
func fillContacts(tb testing.TB, db *store.DB, userID int64, n int) {
	tb.Helper()
	first := []string{"anna", "ben", "carla", "david", "eva", "felix", "greta", "hans", "ida", "jonas", "karin", "lars", "maria", "nils", "olga", "paul"}
	last := []string{"berg", "lund", "ström", "ek", "holm", "dahl", "sand", "wall"}
	var addrs []store.Addr
	for i := range n {
		f, l := first[i%len(first)], last[(i/len(first))%len(last)]
		addrs = append(addrs, store.Addr{
			Name:  fmt.Sprintf("%s %s", strings.ToUpper(f[:1])+f[1:], strings.ToUpper(l[:1])+l[1:]),
			Email: fmt.Sprintf("%s.%s%d@host%d.example", f, l, i, i%37),
		})
	}
	ctx := context.Background()
	at := time.Now()
	if err := db.CollectRecipients(ctx, userID, addrs, at); err != nil {
		tb.Fatal(err)
	}
	// Some are used more often, so the order by use count has work to do.
	if err := db.CollectRecipients(ctx, userID, addrs[:n/10], at.Add(time.Second)); err != nil {
		tb.Fatal(err)
	}
}

// TestSearchContactsUsesIndexes runs EXPLAIN on the search query with
// 10,000 contacts: both halves of it are index ranges (contacts_email and
// contacts_name), never a scan of the table.
func TestSearchContactsUsesIndexes(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db, _ := openMigrated(t, b)
			ctx := context.Background()
			anna, bob := twoUsers(t, db)
			fillContacts(t, db, anna.ID, 10_000)
			fillContacts(t, db, bob.ID, 1_000)
			args := store.SearchContactsArgs(anna.ID, "greta.s", 10)
			var plan []string
			switch db.Dialect() {
			case store.SQLite:
				if _, err := db.Write().ExecContext(ctx, `ANALYZE`); err != nil {
					t.Fatal(err)
				}
				plan = explainRows(t, db.Write(), `EXPLAIN QUERY PLAN `+store.SearchContactsQuery, args)
				joined := strings.Join(plan, "\n")
				for _, want := range []string{"USING INDEX contacts_email (user_id=? AND email_key>? AND email_key<?)",
					"USING INDEX contacts_name (user_id=? AND name_key>? AND name_key<?)"} {
					if !strings.Contains(joined, want) {
						t.Errorf("plan lacks %q", want)
					}
				}
				for _, line := range plan {
					if strings.Contains(line, "SCAN contacts") {
						t.Errorf("plan scans the table: %s", line)
					}
				}
			case store.MySQL:
				if _, err := db.Write().ExecContext(ctx, `ANALYZE TABLE contacts`); err != nil {
					t.Fatal(err)
				}
				plan = explainRows(t, db.Write(), `EXPLAIN `+store.SearchContactsQuery, args)
				// Columns: id select_type table type possible_keys key ...
				var keys []string
				for _, line := range plan {
					f := strings.Split(line, " | ")
					if f[2] != "contacts" {
						continue // the UNION RESULT row
					}
					if f[3] != "range" {
						t.Errorf("access type %s, want range: %s", f[3], line)
					}
					keys = append(keys, f[5])
				}
				if fmt.Sprint(keys) != "[contacts_email contacts_name]" {
					t.Errorf("keys used %v, want [contacts_email contacts_name]", keys)
				}
			}
			t.Logf("plan of the contact search with 10,000 contacts:\n%s", strings.Join(plan, "\n"))
			got, err := db.SearchContacts(store.WithPrimaryReads(ctx), anna.ID, "Greta Str", 10)
			if err != nil || len(got) != 10 {
				t.Fatalf("search Greta Str = %d results, %v; want 10", len(got), err)
			}
			// 8 of the Greta Ströms are among the tenth used twice.
			for i, c := range got {
				if c.Name != "Greta Ström" || c.UseCount != map[bool]int64{true: 2, false: 1}[i < 8] {
					t.Errorf("result %d %+v: want the 8 Greta Ströms used twice first", i, c)
				}
			}
		})
	}
}

// explainRows runs an EXPLAIN and returns its rows, columns joined by " | ".
func explainRows(t *testing.T, db *sql.DB, query string, args []any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var f []string
		for _, v := range vals {
			f = append(f, v.String)
		}
		out = append(out, strings.Join(f, " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// BenchmarkSearchContacts: autocomplete with 10,000 collected recipients on
// SQLite, for prefixes that match many contacts down to a few.
func BenchmarkSearchContacts(b *testing.B) {
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(b.TempDir(), "webmail.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	user, err := db.RecordLogin(ctx, "anna@example.test")
	if err != nil {
		b.Fatal(err)
	}
	fillContacts(b, db, user.ID, 10_000)
	if _, err := db.Write().ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	for _, prefix := range []string{"g", "gre", "greta.s", "Greta Ström", "zz"} {
		b.Run(prefix, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.SearchContacts(ctx, user.ID, prefix, 10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
