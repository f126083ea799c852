// Package store is the webmail's SQL access: one write pool on the primary,
// read pools on the replicas, and one file per aggregate (users, sessions,
// ...). The differences between MySQL/MariaDB and SQLite stay inside this
// package and migrations.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite" // the embedded default, pure Go
)

// Dialect names the SQL flavour behind a DB.
type Dialect string

// The dialects store speaks.
const (
	SQLite Dialect = "sqlite"
	MySQL  Dialect = "mysql"
)

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("store: not found")

// Options says where the data lives. With no WriteDSN the embedded default, a
// SQLite file at SQLitePath, is used.
type Options struct {
	WriteDSN   string
	ReadDSNs   []string
	SQLitePath string
}

// DB is the pair of primary and replica pools.
type DB struct {
	dialect Dialect
	write   *sql.DB
	reads   []*sql.DB
	next    atomic.Uint32
}

// Open opens the pools. It does not check that the servers answer (Ping
// does), so an instance can start while a replica is down.
func Open(opts Options) (*DB, error) {
	if opts.WriteDSN == "" {
		return openSQLite(opts.SQLitePath)
	}
	write, err := openMySQL(opts.WriteDSN)
	if err != nil {
		return nil, fmt.Errorf("store: primary: %w", err)
	}
	db := &DB{dialect: MySQL, write: write}
	for i, dsn := range opts.ReadDSNs {
		read, err := openMySQL(dsn)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("store: replica %d: %w", i+1, err)
		}
		db.reads = append(db.reads, read)
	}
	return db, nil
}

func openMySQL(dsn string) (*sql.DB, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		// The DSN holds a password: never echo it back.
		return nil, errors.New("malformed DSN (want user:password@tcp(host:3306)/dbname)")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = 30 * time.Second
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = 30 * time.Second
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(8)
	db.SetConnMaxLifetime(5 * time.Minute)
	db.SetConnMaxIdleTime(time.Minute)
	return db, nil
}

func openSQLite(path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: no database configured")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_txlock=immediate"
	write, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: sqlite: %w", err)
	}
	// SQLite has one writer at a time: one connection makes writers queue in
	// Go instead of failing with SQLITE_BUSY.
	write.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(ON)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: sqlite: %w", err)
	}
	read.SetMaxOpenConns(8)
	return &DB{dialect: SQLite, write: write, reads: []*sql.DB{read}}, nil
}

// Dialect reports which SQL flavour this DB speaks.
func (db *DB) Dialect() Dialect { return db.dialect }

// Write returns the primary pool. Every write goes there.
func (db *DB) Write() *sql.DB { return db.write }

// Read returns a pool for a read that may be slightly stale: a replica,
// chosen round robin, or the primary when there is none.
func (db *DB) Read() *sql.DB {
	if len(db.reads) == 0 {
		return db.write
	}
	n := db.next.Add(1)
	return db.reads[int(n)%len(db.reads)]
}

// queryRowRead runs a single-row read on a replica and falls back to the
// primary when the replica cannot be reached, so a dead replica never shows
// as an error to a user.
func (db *DB) queryRowRead(ctx context.Context, scan func(*sql.Row) error, query string, args ...any) error {
	pool := db.Read()
	err := scan(pool.QueryRowContext(ctx, query, args...))
	if err == nil || errors.Is(err, sql.ErrNoRows) || pool == db.write || ctx.Err() != nil {
		return err
	}
	return scan(db.write.QueryRowContext(ctx, query, args...))
}

// Ping checks the primary answers; replicas are optional for readiness
// because reads fall back to the primary.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("store: primary: %w", err)
	}
	return nil
}

// Close closes every pool.
func (db *DB) Close() error {
	var errs []error
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	for _, r := range db.reads {
		errs = append(errs, r.Close())
	}
	return errors.Join(errs...)
}

// Describe returns a description of the databases without credentials, for
// logs.
func (db *DB) Describe() string {
	if db.dialect == SQLite {
		return "sqlite"
	}
	return fmt.Sprintf("mysql primary + %d replica(s)", len(db.reads))
}

func now() int64 { return time.Now().Unix() }

// isDuplicate reports a unique-key violation on either dialect.
func isDuplicate(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
