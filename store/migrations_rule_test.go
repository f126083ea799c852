package store

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// expandBaseline is the last migration released before the expand/contract
// rule (migrations/README.md) was enforced. Migrations above it are checked
// by TestMigrationsOnlyExpand and TestMigrationsKeepThePreviousSchema;
// the ones up to it are history and are never edited.
const expandBaseline = 5

// contractMarker starts a line of a migration that deliberately removes or
// renames what the previous release no longer uses (the contract half of
// the rule). It must say what, and since which release it is unused.
const contractMarker = "-- contract:"

// TestMigrationsOnlyExpand refuses, in every migration above the baseline,
// a statement the previous release could trip over while it still serves:
// anything dropped, renamed or retyped, a NOT NULL column added without a
// default (the previous release's INSERTs do not name it), a constraint or
// unique index added to an existing table (it could refuse the previous
// release's writes). Anything the checker does not recognise is refused
// too. A migration marked "-- contract:" may remove things.
func TestMigrationsOnlyExpand(t *testing.T) {
	for _, dialect := range []string{"mysql", "sqlite"} {
		ms, err := loadMigrations(dialect)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Version <= expandBaseline {
				continue
			}
			for _, problem := range expandProblems(m.SQL) {
				t.Errorf("%s/%s: %s (migrations/README.md: a release only adds what the previous one can ignore)", dialect, m.Name, problem)
			}
		}
	}
}

// TestExpandProblemsRefusesBreakingChanges checks the checker itself, on
// statements that must pass and statements that must not.
func TestExpandProblemsRefusesBreakingChanges(t *testing.T) {
	allowed := []string{
		"CREATE TABLE notes (\n id INTEGER PRIMARY KEY,\n body TEXT NOT NULL\n);\nCREATE UNIQUE INDEX notes_body ON notes (body);",
		"CREATE TABLE notes (id BIGINT NOT NULL, UNIQUE KEY notes_id (id)) ENGINE=InnoDB;",
		"CREATE INDEX composes_kind ON composes (kind);",
		"ALTER TABLE composes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;",
		"ALTER TABLE composes ADD COLUMN note TEXT;",
		"ALTER TABLE composes ADD COLUMN note TEXT NULL, ADD COLUMN flag BOOLEAN NOT NULL DEFAULT FALSE, ADD INDEX composes_flag (flag);",
		"INSERT INTO heartbeat (id, ts) VALUES (2, 0);",
		"UPDATE composes SET note = '' WHERE note IS NULL;",
		"SELECT 1;",
		"-- contract: composes.old_field, unused since 0009\nALTER TABLE composes DROP COLUMN old_field;",
	}
	for _, sql := range allowed {
		if problems := expandProblems(sql); len(problems) != 0 {
			t.Errorf("refused an expand-only migration:\n%s\n%v", sql, problems)
		}
	}
	refused := []string{
		"DROP TABLE sessions;",
		"DROP INDEX outbox_compose;",
		"ALTER TABLE composes DROP COLUMN kind;",
		"ALTER TABLE composes RENAME COLUMN kind TO sort;",
		"ALTER TABLE composes RENAME TO drafts;",
		"RENAME TABLE composes TO drafts;",
		"ALTER TABLE users MODIFY email VARCHAR(320) COLLATE utf8mb4_bin NOT NULL;",
		"ALTER TABLE users CHANGE email address VARCHAR(320) NOT NULL;",
		"ALTER TABLE users ALTER COLUMN email SET DEFAULT '';",
		"ALTER TABLE composes ADD COLUMN version INTEGER NOT NULL;",
		"ALTER TABLE composes ADD note TEXT, ADD COLUMN version INT NOT NULL;",
		"ALTER TABLE composes ADD CONSTRAINT c CHECK (revision > 0);",
		"ALTER TABLE composes ADD UNIQUE KEY composes_subject (subject);",
		"ALTER TABLE composes ADD FOREIGN KEY (identity_id) REFERENCES identities (id);",
		"CREATE UNIQUE INDEX composes_subject ON composes (subject);",
		"DELETE FROM user_prefs;",
		"TRUNCATE TABLE outbox;",
		"PRAGMA foreign_keys = OFF;",
	}
	for _, sql := range refused {
		if problems := expandProblems(sql); len(problems) == 0 {
			t.Errorf("accepted a migration the previous release could trip over:\n%s", sql)
		}
	}
	// On the real files: every released migration but one only expands;
	// MySQL's 0004 changed the collation of users.email in place, which
	// the rule would now make a new column and a contract release.
	for _, dialect := range []string{"mysql", "sqlite"} {
		ms, err := loadMigrations(dialect)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms[:expandBaseline] {
			problems := expandProblems(m.SQL)
			if breaking := dialect == "mysql" && m.Version == 4; breaking != (len(problems) > 0) {
				t.Errorf("%s/%s: problems %v, want some: %v", dialect, m.Name, problems, breaking)
			}
		}
	}
}

var (
	createTableRe  = regexp.MustCompile(`^CREATE TABLE (?:IF NOT EXISTS )?([A-Z0-9_]+)`)
	createIndexRe  = regexp.MustCompile(`^CREATE (UNIQUE )?INDEX (?:IF NOT EXISTS )?[A-Z0-9_]+ ON ([A-Z0-9_]+)`)
	alterTableRe   = regexp.MustCompile(`^ALTER TABLE ([A-Z0-9_]+) (.*)$`)
	addIndexRe     = regexp.MustCompile(`^ADD (?:INDEX|KEY) `)
	addRefusedRe   = regexp.MustCompile(`^ADD (?:CONSTRAINT|UNIQUE|FOREIGN|PRIMARY|CHECK|FULLTEXT|SPATIAL)\b`)
	addColumnRe    = regexp.MustCompile(`^ADD (?:COLUMN )?(?:IF NOT EXISTS )?[A-Z0-9_]+ `)
	dataStatements = regexp.MustCompile(`^(?:INSERT INTO|UPDATE [A-Z0-9_]+ SET|SELECT 1$)`)
)

// expandProblems lists why the statements of one migration file are not
// expand-only; none when they are. It works on our own migration files
// (statements split as Migrate splits them), not on arbitrary SQL: what it
// does not recognise it refuses, so a new kind of statement needs a rule
// here first.
func expandProblems(sqlText string) []string {
	contract := strings.Contains(sqlText, contractMarker)
	var problems []string
	created := map[string]bool{} // tables this migration creates: anything goes on them
	for _, raw := range splitStatements(sqlText) {
		stmt := normalizeSQL(raw)
		if contract && (strings.HasPrefix(stmt, "DROP ") || strings.HasPrefix(stmt, "ALTER TABLE ") || strings.HasPrefix(stmt, "RENAME TABLE ")) {
			continue
		}
		if m := createTableRe.FindStringSubmatch(stmt); m != nil {
			created[m[1]] = true
			continue
		}
		if m := createIndexRe.FindStringSubmatch(stmt); m != nil {
			if m[1] != "" && !created[m[2]] {
				problems = append(problems, fmt.Sprintf("a unique index on the existing table %s can refuse the previous release's writes: %s", strings.ToLower(m[2]), raw))
			}
			continue
		}
		if m := alterTableRe.FindStringSubmatch(stmt); m != nil {
			for _, clause := range topLevelClauses(m[2]) {
				if p := alterClauseProblem(m[1], clause, created[m[1]]); p != "" {
					problems = append(problems, p+": "+raw)
				}
			}
			continue
		}
		if dataStatements.MatchString(stmt) {
			continue
		}
		problems = append(problems, "not an expand-only statement (drop, rename, delete or unknown): "+raw)
	}
	return problems
}

// alterClauseProblem judges one clause of ALTER TABLE table.
func alterClauseProblem(table, clause string, created bool) string {
	table = strings.ToLower(table)
	switch {
	case created:
		return ""
	case addIndexRe.MatchString(clause):
		return ""
	case addRefusedRe.MatchString(clause):
		return "a constraint or unique key on the existing table " + table + " can refuse the previous release's writes"
	case addColumnRe.MatchString(clause):
		if strings.Contains(clause, "NOT NULL") && !strings.Contains(clause, "DEFAULT") {
			return "a NOT NULL column without a DEFAULT on " + table + " fails the previous release's INSERTs"
		}
		return ""
	}
	return "only ADD COLUMN and ADD INDEX may change the existing table " + table + " (drop, rename, modify and change wait for a contract migration)"
}

// normalizeSQL upper-cases a statement (our migrations quote no
// identifiers or literals the rules look at) and collapses its white space.
func normalizeSQL(stmt string) string {
	return strings.Join(strings.Fields(strings.ToUpper(stmt)), " ")
}

// topLevelClauses splits the clauses of an ALTER TABLE at the commas that
// are not inside parentheses or quotes.
func topLevelClauses(s string) []string {
	var out []string
	depth, start := 0, 0
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"' || r == '`':
			quote = r
		case r == '(':
			depth++
		case r == ')':
			depth--
		case r == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}
