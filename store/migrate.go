package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/webmail/webmail/migrations"
)

// ErrSchemaOutdated means the database needs `webmail migrate` before an
// instance may serve.
var ErrSchemaOutdated = errors.New("store: database schema is out of date: run `webmail migrate`")

// Migration is one embedded schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations of the DB's dialect, in order.
func (db *DB) Migrations() ([]Migration, error) {
	return loadMigrations(string(db.dialect))
}

func loadMigrations(dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(migrations.FS, dir)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("store: migration file %s: want NNNN_name.sql", name)
		}
		body, err := fs.ReadFile(migrations.FS, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("store: migrations: %w", err)
		}
		out = append(out, Migration{Version: version, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migration %s: versions must run 1, 2, 3... without gaps", m.Name)
		}
	}
	return out, nil
}

const createVersionTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    applied_at BIGINT NOT NULL
)`

// SchemaVersion returns the version the database is at and the latest
// embedded version.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	ms, err := db.Migrations()
	if err != nil {
		return 0, 0, err
	}
	latest = len(ms)
	err = db.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current)
	if err != nil {
		if isMissingTable(err) {
			return 0, latest, nil
		}
		return 0, latest, fmt.Errorf("store: schema version: %w", err)
	}
	return current, latest, nil
}

// CheckSchema returns ErrSchemaOutdated unless the database is at the latest
// version. A database newer than this binary is an error too: an older
// instance must not write to a schema it does not know.
func (db *DB) CheckSchema(ctx context.Context) error {
	current, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current < latest {
		return fmt.Errorf("%w (database at version %d, this binary needs %d)", ErrSchemaOutdated, current, latest)
	}
	if current > latest {
		return fmt.Errorf("store: database schema version %d is newer than this binary's %d: upgrade the binary", current, latest)
	}
	return nil
}

// Migrate applies every missing migration on the primary and returns how
// many it applied. On MySQL it holds a named lock so instances started
// together do not race (SQLite is single-writer already), and it works on
// a connection of its own without the read timeout (openMigrationPool).
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	ms, err := db.Migrations()
	if err != nil {
		return 0, err
	}
	pool := db.write
	if db.writeCfg != nil {
		if pool, err = openMigrationPool(db.writeCfg); err != nil {
			return 0, fmt.Errorf("store: migrate: %w", err)
		}
		defer pool.Close()
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	if db.dialect == MySQL {
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, `SELECT GET_LOCK('webmail_migrate', 60)`).Scan(&got); err != nil {
			return 0, fmt.Errorf("store: migrate lock: %w", err)
		}
		if !got.Valid || got.Int64 != 1 {
			return 0, errors.New("store: migrate: another instance holds the migration lock")
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT RELEASE_LOCK('webmail_migrate')`)
	}
	if _, err := conn.ExecContext(ctx, createVersionTable); err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	var current int
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	for _, m := range ms {
		if m.Version <= current {
			continue
		}
		if err := db.apply(ctx, conn, m); err != nil {
			return applied, err
		}
		applied++
	}
	return applied, nil
}

// openMigrationPool opens a pool on the primary like the write pool but
// without a read timeout. A migration's ALTER of a big table may run for
// a long time, and MySQL DDL is not transactional: cut off by the client
// half-way, it would leave the schema half-changed. Waiting for the
// migration lock is a long read too.
func openMigrationPool(writeCfg *mysql.Config) (*sql.DB, error) {
	cfg := writeCfg.Clone()
	cfg.ReadTimeout = 0
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	pool := sql.OpenDB(connector)
	pool.SetMaxOpenConns(1)
	return pool, nil
}

// apply runs one migration. SQLite runs it in a transaction; MySQL commits
// DDL implicitly, so a failed MySQL migration is reported with its file name
// for the admin to inspect.
func (db *DB) apply(ctx context.Context, conn *sql.Conn, m Migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migration %s: %w", m.Name, err)
	}
	defer tx.Rollback()
	for _, stmt := range splitStatements(m.SQL) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("store: migration %s: %w", m.Name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, now()); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.Name, err)
	}
	return nil
}

// splitStatements splits a migration file at semicolons that end a line.
// Comment lines are dropped. Migration files are ours, so this simple rule
// is enough; a statement that needs an inner ";\n" must not be written.
func splitStatements(sqlText string) []string {
	var stmts []string
	var cur strings.Builder
	for _, line := range strings.Split(sqlText, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(trimmed, ";") {
			stmt := strings.TrimSuffix(strings.TrimSpace(cur.String()), ";")
			stmts = append(stmts, stmt)
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		stmts = append(stmts, rest)
	}
	return stmts
}

func isMissingTable(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "no such table") || strings.Contains(msg, "Error 1146")
}
