// Package store is the webmail's SQL access: one write pool on the primary,
// read pools on the replicas, and one file per aggregate (users, sessions,
// ...). The differences between MySQL/MariaDB and SQLite stay inside this
// package and migrations.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
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

// ErrUnavailable means the database server could not be reached: a write
// while the primary is down, typically. Handlers show "Saving is
// unavailable right now"; IsUnavailable recognises it and raw connection
// errors alike.
var ErrUnavailable = errors.New("store: database unavailable")

// IsUnavailable reports whether err means the database could not be
// reached (refused, reset, timed out, a dead pooled connection), as
// opposed to an error of the statement itself.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var netErr net.Error
	return errors.Is(err, ErrUnavailable) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.As(err, &netErr)
}

// unavailable marks a connection-level err with ErrUnavailable, keeping the
// cause; any other error is returned as it is.
func unavailable(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !IsUnavailable(err) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// Options says where the data lives. With no WriteDSN the embedded default, a
// SQLite file at SQLitePath, is used.
type Options struct {
	WriteDSN   string
	ReadDSNs   []string
	SQLitePath string
	// MaxReplicaLag is the lag above which CheckReplicas takes a replica
	// out of rotation (default 2 s).
	MaxReplicaLag time.Duration
	// Logger receives a line when a replica leaves or rejoins the rotation
	// (default: discarded).
	Logger *slog.Logger
}

// DB is the primary pool and the replica pools, with each replica's health.
type DB struct {
	dialect   Dialect
	write     *sql.DB
	writeCfg  *mysql.Config // the primary's settings, for Migrate's own connection; nil for SQLite
	replicas  []*replica
	next      atomic.Uint32
	maxLag    time.Duration
	logger    *slog.Logger
	fallbacks atomic.Int64 // reads sent to the primary because no replica could serve them
	stmts     stmtCache    // prepared statements of the per-request reads
}

// Open opens the pools. It does not check that the servers answer (Ping
// does), so an instance can start while a replica is down.
func Open(opts Options) (*DB, error) {
	if opts.WriteDSN == "" {
		return openSQLite(opts)
	}
	writeCfg, err := mysqlConfig(opts.WriteDSN)
	if err != nil {
		return nil, fmt.Errorf("store: primary: %w", err)
	}
	write, err := openMySQL(writeCfg)
	if err != nil {
		return nil, fmt.Errorf("store: primary: %w", err)
	}
	db := newDB(MySQL, write, opts)
	db.writeCfg = writeCfg
	for i, dsn := range opts.ReadDSNs {
		cfg, err := mysqlConfig(dsn)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("store: replica %d: %w", i+1, err)
		}
		read, err := openMySQL(cfg)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("store: replica %d: %w", i+1, err)
		}
		db.replicas = append(db.replicas, newReplica(fmt.Sprintf("replica%d", i+1), dsnAddr(dsn), read, false))
	}
	return db, nil
}

func newDB(dialect Dialect, write *sql.DB, opts Options) *DB {
	db := &DB{dialect: dialect, write: write, maxLag: opts.MaxReplicaLag, logger: opts.Logger}
	if db.maxLag <= 0 {
		db.maxLag = 2 * time.Second
	}
	if db.logger == nil {
		db.logger = slog.New(slog.DiscardHandler)
	}
	return db
}

// dsnAddr is the host:port of a DSN, for logs; never the credentials.
func dsnAddr(dsn string) string {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "?"
	}
	return cfg.Addr
}

// mysqlConfig parses dsn and fills in the timeouts it leaves out, so that a
// server that stops answering fails a request instead of hanging it.
func mysqlConfig(dsn string) (*mysql.Config, error) {
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
	return cfg, nil
}

func openMySQL(cfg *mysql.Config) (*sql.DB, error) {
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

func openSQLite(opts Options) (*DB, error) {
	path := opts.SQLitePath
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
	db := newDB(SQLite, write, opts)
	// The read pool reads the same file: always current, never checked.
	db.replicas = []*replica{newReplica("read", "", read, true)}
	return db, nil
}

// Dialect reports which SQL flavour this DB speaks.
func (db *DB) Dialect() Dialect { return db.dialect }

// Write returns the primary pool. Every write goes there.
func (db *DB) Write() *sql.DB { return db.write }

// primaryPingTimeout bounds Ping's wait for the primary when there are
// replicas, so that a primary that hangs instead of refusing leaves time
// to ask them.
const primaryPingTimeout = time.Second

// Ping reports whether the database can serve: the primary answers, or,
// while the primary cannot be reached, a replica does. A replica answering
// is enough because reads go on from it (queryRowRead) and writes fail with
// ErrUnavailable, which users see as a clear message: were a primary
// outage to fail every instance's readiness, the load balancer would have
// no instance left and mail reading would stop too. A replica counts
// whatever its lag: without a primary nothing writes the heartbeat, so
// every replica soon looks late, yet it is all there is to read from.
func (db *DB) Ping(ctx context.Context) error {
	primaryCtx := ctx
	if len(db.Replicas()) > 0 {
		var cancel context.CancelFunc
		primaryCtx, cancel = context.WithTimeout(ctx, primaryPingTimeout)
		defer cancel()
	}
	err := db.write.PingContext(primaryCtx)
	if err == nil {
		return nil
	}
	errs := []error{fmt.Errorf("store: primary: %w", unavailable(err))}
	if !IsUnavailable(err) || ctx.Err() != nil {
		return errs[0]
	}
	for _, r := range db.replicas {
		if r.local {
			continue
		}
		err := r.pool.PingContext(ctx)
		if err == nil {
			return nil
		}
		errs = append(errs, fmt.Errorf("store: %s: %w", r.name, err))
	}
	return errors.Join(errs...)
}

// Close closes every pool.
func (db *DB) Close() error {
	db.stmts.close()
	var errs []error
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	for _, r := range db.replicas {
		errs = append(errs, r.pool.Close())
	}
	return errors.Join(errs...)
}

// Describe returns a description of the databases without credentials, for
// logs.
func (db *DB) Describe() string {
	if db.dialect == SQLite {
		return "sqlite"
	}
	return fmt.Sprintf("mysql primary + %d replica(s)", len(db.replicas))
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
