package attachments

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

func init() {
	Register("sql", openSQL)
}

// SQL is the "sql" backend: objects kept in the primary SQL database (SQLite
// or MySQL/MariaDB), for small installations with no object store.
//
// Bytes are cut into chunks of SQLChunkSize in attachment_chunks, so neither
// Put nor Get ever holds more than one chunk in memory. Every Put writes its
// chunks under a new generation, each chunk in its own short statement, and
// then, in one short transaction, points the attachment_objects row at the new
// generation and deletes the old generation's chunks. Readers that started
// before the switch and have not finished get ErrChanged from Read instead of
// a mix of versions. A failed Put deletes its chunks; chunks of a Put whose
// process died are removed by Sweep. A generation starts with its creation
// time in fixed-width hex, which is how Sweep tells old leftovers from a Put
// still running.
//
// The backend owns its schema: opening it creates attachment_objects and
// attachment_chunks if they are missing (on MySQL with a binary collation,
// since keys are case-sensitive), and several instances may open it at
// once. It needs the right to create tables only while they are missing.
// With SQLite the DSN should set a busy timeout
// (_pragma=busy_timeout(...)) so concurrent writers wait instead of failing.
type SQL struct {
	db      *sql.DB
	dialect string
}

var _ Store = (*SQL)(nil)
var _ Sweeper = (*SQL)(nil)

// SQLChunkSize is the size of the rows the sql backend cuts objects into. It
// stays well under MySQL's smallest common max_allowed_packet (4 MiB).
const SQLChunkSize = 1 << 20

// The dialects the sql backend speaks, as given in Config.Dialect.
const (
	// DialectSQLite is SQLite (modernc.org/sqlite).
	DialectSQLite = "sqlite"
	// DialectMySQL is MySQL or MariaDB (go-sql-driver/mysql).
	DialectMySQL = "mysql"
)

// openSQL is the Factory of the "sql" backend.
func openSQL(ctx context.Context, cfg Config) (Store, error) {
	return NewSQL(ctx, cfg.DB, cfg.Dialect)
}

// NewSQL returns an SQL backend over db, whose dialect is DialectSQLite or
// DialectMySQL ("mariadb" is accepted as MySQL), after creating its tables
// if they are missing.
func NewSQL(ctx context.Context, db *sql.DB, dialect string) (*SQL, error) {
	if db == nil {
		return nil, errors.New("attachments: sql: no database (Config.DB is nil)")
	}
	var s *SQL
	switch strings.ToLower(dialect) {
	case DialectSQLite:
		s = &SQL{db: db, dialect: DialectSQLite}
	case DialectMySQL, "mariadb":
		s = &SQL{db: db, dialect: DialectMySQL}
	default:
		return nil, fmt.Errorf("attachments: sql: unknown dialect %q (want %q or %q)", dialect, DialectSQLite, DialectMySQL)
	}
	if err := s.createSchema(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// newGeneration returns a new generation: creation time then randomness.
func newGeneration(now time.Time) (string, error) {
	var random [8]byte
	if _, err := rand.Read(random[:]); err != nil {
		return "", err
	}
	return generationTime(now) + "-" + hex.EncodeToString(random[:]), nil
}

// generationTime formats t so generations sort by creation time as strings.
func generationTime(t time.Time) string {
	return fmt.Sprintf("%016x", t.UnixNano())
}

// Put implements Store.
func (s *SQL) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (err error) {
	contentType, err = checkPut(key, size, contentType)
	if err != nil {
		return err
	}
	generation, err := newGeneration(time.Now())
	if err != nil {
		return fmt.Errorf("attachments: sql: put %q: %w", key, err)
	}
	defer func() {
		if err != nil {
			// ctx may be the reason we failed; clean up regardless.
			cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			s.db.ExecContext(cleanup, `DELETE FROM attachment_chunks WHERE object_key = ? AND generation = ?`, key, generation)
		}
	}()

	written, chunks, err := s.writeChunks(ctx, key, generation, newExactReader(r, size))
	if err != nil {
		return fmt.Errorf("attachments: sql: put %q: %w", key, err)
	}
	for attempt := 1; ; attempt++ {
		err = s.swap(ctx, key, generation, written, chunks, contentType)
		// A deadlock is InnoDB's way of asking for a retry; the statements
		// are ordered so it should not happen, but MySQL may still choose
		// one under load. The driver's error type is not importable here.
		if err == nil || attempt == 3 || !strings.Contains(err.Error(), "Error 1213") {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("attachments: sql: put %q: %w", key, err)
	}
	return nil
}

// writeChunks stores r as the chunks of generation and returns the number of
// bytes and chunks written.
func (s *SQL) writeChunks(ctx context.Context, key, generation string, r io.Reader) (written int64, chunks int64, err error) {
	buf := make([]byte, SQLChunkSize)
	for {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			if _, err := s.db.ExecContext(ctx,
				`INSERT INTO attachment_chunks (object_key, generation, seq, data) VALUES (?, ?, ?, ?)`,
				key, generation, chunks, buf[:n]); err != nil {
				return written, chunks, err
			}
			written += int64(n)
			chunks++
		}
		switch {
		case rerr == io.EOF || rerr == io.ErrUnexpectedEOF:
			return written, chunks, nil
		case rerr != nil:
			return written, chunks, rerr
		}
	}
}

// swap points key at generation and deletes the chunks of the generation it
// replaces, in one transaction.
func (s *SQL) swap(ctx context.Context, key, generation string, size, chunks int64, contentType string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	// The first statement writes, which on SQLite takes the write lock at
	// once (a read first would have to upgrade its lock later and fail with
	// SQLITE_BUSY under concurrency) and on InnoDB locks the row, so
	// concurrent swaps of one key queue up instead of deadlocking. The empty
	// generation only ever exists inside this transaction.
	lockRow := `INSERT INTO attachment_objects (object_key, size, content_type, modified_at, generation) VALUES (?, 0, '', 0, '') ON CONFLICT (object_key) DO NOTHING`
	if s.dialect == DialectMySQL {
		lockRow = `INSERT INTO attachment_objects (object_key, size, content_type, modified_at, generation) VALUES (?, 0, '', 0, '') ON DUPLICATE KEY UPDATE object_key = object_key`
	}
	if _, err := tx.ExecContext(ctx, lockRow, key); err != nil {
		return err
	}
	var old string
	if err := tx.QueryRowContext(ctx, `SELECT generation FROM attachment_objects WHERE object_key = ?`+s.forUpdate(), key).Scan(&old); err != nil {
		return err
	}
	// A Sweep with a too short olderThan could have removed chunks of this
	// Put; never publish an object with holes.
	var stored int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachment_chunks WHERE object_key = ? AND generation = ?`, key, generation).Scan(&stored); err != nil {
		return err
	}
	if stored != chunks {
		return fmt.Errorf("generation %s has %d of its %d chunks (swept while being written?)", generation, stored, chunks)
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE attachment_objects SET size = ?, content_type = ?, modified_at = ?, generation = ? WHERE object_key = ?`,
		size, contentType, time.Now().UnixMilli(), generation, key); err != nil {
		return err
	}
	if old != "" {
		if _, err := tx.ExecContext(ctx, `DELETE FROM attachment_chunks WHERE object_key = ? AND generation = ?`, key, old); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// beginWrite starts a transaction for a short read-modify-write. On MySQL it
// asks for READ COMMITTED, which leaves out InnoDB's gap locks (the usual
// source of deadlocks between inserts of the same new key).
func (s *SQL) beginWrite(ctx context.Context) (*sql.Tx, error) {
	if s.dialect == DialectMySQL {
		return s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	}
	return s.db.BeginTx(ctx, nil)
}

// forUpdate is the locking clause of a read inside beginWrite's transaction.
func (s *SQL) forUpdate() string {
	if s.dialect == DialectMySQL {
		return ` FOR UPDATE`
	}
	return "" // the transaction already holds SQLite's write lock
}

// row reads key's objects row.
func (s *SQL) row(ctx context.Context, key string) (Info, string, error) {
	var (
		info       = Info{Key: key}
		modified   int64
		generation string
	)
	err := s.db.QueryRowContext(ctx,
		`SELECT size, content_type, modified_at, generation FROM attachment_objects WHERE object_key = ?`, key).
		Scan(&info.Size, &info.ContentType, &modified, &generation)
	if errors.Is(err, sql.ErrNoRows) || err == nil && generation == "" {
		return Info{}, "", fmt.Errorf("attachments: sql: %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return Info{}, "", fmt.Errorf("attachments: sql: %q: %w", key, err)
	}
	info.Modified = time.UnixMilli(modified)
	return info, generation, nil
}

// Get implements Store.
func (s *SQL) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ValidKey(key); err != nil {
		return nil, Info{}, err
	}
	info, generation, err := s.row(ctx, key)
	if err != nil {
		return nil, Info{}, err
	}
	return &sqlReader{ctx: ctx, store: s, key: key, generation: generation, size: info.Size}, info, nil
}

// Stat implements Store.
func (s *SQL) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidKey(key); err != nil {
		return Info{}, err
	}
	info, _, err := s.row(ctx, key)
	return info, err
}

// Delete implements Store.
func (s *SQL) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	if err := s.delete(ctx, key); err != nil {
		return fmt.Errorf("attachments: sql: delete %q: %w", key, err)
	}
	return nil
}

// delete removes key's row and chunks in one transaction.
func (s *SQL) delete(ctx context.Context, key string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.dialect == DialectSQLite {
		// Take the write lock first; see swap.
		if _, err := tx.ExecContext(ctx, `UPDATE attachment_objects SET generation = generation WHERE object_key = ?`, key); err != nil {
			return err
		}
	}
	var generation string
	err = tx.QueryRowContext(ctx, `SELECT generation FROM attachment_objects WHERE object_key = ?`+s.forUpdate(), key).Scan(&generation)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM attachment_chunks WHERE object_key = ? AND generation = ?`, key, generation); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM attachment_objects WHERE object_key = ?`, key); err != nil {
		return err
	}
	return tx.Commit()
}

// Ping implements Store: it checks that the database answers and the tables
// exist.
func (s *SQL) Ping(ctx context.Context) error {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachment_objects WHERE object_key = ''`).Scan(&n)
	if err != nil {
		return fmt.Errorf("attachments: sql: ping: %w", err)
	}
	return nil
}

// Sweep implements Sweeper: it removes chunk generations that no object
// refers to and that were created more than olderThan ago.
func (s *SQL) Sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := generationTime(time.Now().Add(-olderThan))
	rows, err := s.db.QueryContext(ctx, `
		SELECT DISTINCT c.object_key, c.generation
		FROM attachment_chunks c
		LEFT JOIN attachment_objects o ON o.object_key = c.object_key AND o.generation = c.generation
		WHERE o.object_key IS NULL AND c.generation < ?`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("attachments: sql: sweep: %w", err)
	}
	type orphan struct{ key, generation string }
	var orphans []orphan
	for rows.Next() {
		var o orphan
		if err := rows.Scan(&o.key, &o.generation); err != nil {
			rows.Close()
			return 0, fmt.Errorf("attachments: sql: sweep: %w", err)
		}
		orphans = append(orphans, o)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, fmt.Errorf("attachments: sql: sweep: %w", err)
	}
	removed := 0
	for _, o := range orphans {
		// Checked again in the statement: the object may have been pointed
		// at this generation since the query above.
		res, err := s.db.ExecContext(ctx, `
			DELETE FROM attachment_chunks WHERE object_key = ? AND generation = ?
			AND NOT EXISTS (SELECT 1 FROM attachment_objects o WHERE o.object_key = ? AND o.generation = ?)`,
			o.key, o.generation, o.key, o.generation)
		if err != nil {
			return removed, fmt.Errorf("attachments: sql: sweep %q: %w", o.key, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			removed++
		}
	}
	return removed, nil
}
