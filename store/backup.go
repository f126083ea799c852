package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
)

// SnapshotSQLite writes a consistent copy of the SQLite database at source
// into the new file dest while instances go on using source. VACUUM INTO
// reads the whole database in one read transaction, which in WAL mode
// neither waits for the writer nor holds it up; the copy is compact and
// has no WAL of its own. It runs on a connection of its own, because the
// store's read pool is query_only (which refuses VACUUM INTO) and its
// write pool is the one writer every request queues for.
func SnapshotSQLite(ctx context.Context, source, dest string) error {
	if _, err := os.Stat(source); err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: snapshot: %s exists already", dest)
	}
	conn, err := sql.Open("sqlite", "file:"+source+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		os.Remove(dest)
		return fmt.Errorf("store: snapshot: %w", err)
	}
	return nil
}

// ObjectRef is an attachment-store object that a row needs: an upload of
// a compose, or the raw message of a message still to be sent.
type ObjectRef struct {
	Key   string // the attachment store key
	Table string // "uploads" or "outbox"
	Row   string // the row's ID
}

// pendingOutboxStates are the states whose raw message the outbox still
// needs; a sent, failed or cancelled message may have lost it already.
var pendingOutboxStates = []any{OutboxScheduled, OutboxQueued, OutboxSending}

// ReferencedObjects lists, from the primary, every attachment-store object
// the rows need: the uploads of composes, and the raw messages of the
// outbox's messages still to be sent. A backup copies these and nothing
// else; an object no row needs is garbage the cleanup jobs remove.
func (db *DB) ReferencedObjects(ctx context.Context) ([]ObjectRef, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT store_key, 'uploads', id FROM uploads
		UNION ALL SELECT store_key, 'outbox', `+db.castText("id")+` FROM outbox WHERE state IN (?, ?, ?)
		ORDER BY 1, 2, 3`, pendingOutboxStates...)
	if err != nil {
		return nil, fmt.Errorf("store: referenced objects: %w", unavailable(err))
	}
	defer rows.Close()
	var out []ObjectRef
	for rows.Next() {
		var r ObjectRef
		if err := rows.Scan(&r.Key, &r.Table, &r.Row); err != nil {
			return nil, fmt.Errorf("store: referenced objects: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: referenced objects: %w", unavailable(err))
	}
	return out, nil
}

// castText turns an integer column into text in a SELECT.
func (db *DB) castText(column string) string {
	if db.dialect == MySQL {
		return "CAST(" + column + " AS CHAR)"
	}
	return "CAST(" + column + " AS TEXT)"
}

// TrimBackupCopy readies a backup's copy of the database, never a live
// one. It deletes what a restore must not bring back: the SQL sessions
// (they hold mail passwords sealed with the cluster key, and restoring
// them would revive sessions ended since) and the login-failure counts.
// And it deletes the uploads and the to-be-sent outbox messages whose
// object is one of vanished: an object deleted after the copy was taken,
// before it could be copied, belongs to rows the live database deleted or
// finished meanwhile (rows go first, their objects after), and a restored
// row must never point at missing bytes. On SQLite the deleted bytes are
// overwritten (secure_delete), not left in free pages of the file. It
// reports how many rows needing vanished objects went.
func (db *DB) TrimBackupCopy(ctx context.Context, vanished []string) (int64, error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: trim backup copy: %w", err)
	}
	defer conn.Close()
	if db.dialect == SQLite {
		if _, err := conn.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
			return 0, fmt.Errorf("store: trim backup copy: %w", err)
		}
	}
	for _, stmt := range []string{`DELETE FROM sessions`, `DELETE FROM login_failures`} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return 0, fmt.Errorf("store: trim backup copy: %w", err)
		}
	}
	if len(vanished) == 0 {
		return 0, nil
	}
	marks := strings.Repeat("?, ", len(vanished)-1) + "?"
	args := make([]any, 0, len(vanished)+len(pendingOutboxStates))
	for _, k := range vanished {
		args = append(args, k)
	}
	res, err := conn.ExecContext(ctx, `DELETE FROM uploads WHERE store_key IN (`+marks+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("store: trim backup copy: %w", err)
	}
	uploads, _ := res.RowsAffected()
	res, err = conn.ExecContext(ctx, `DELETE FROM outbox WHERE store_key IN (`+marks+`) AND state IN (?, ?, ?)`,
		append(args, pendingOutboxStates...)...)
	if err != nil {
		return uploads, fmt.Errorf("store: trim backup copy: %w", err)
	}
	outbox, _ := res.RowsAffected()
	return uploads + outbox, nil
}

// LatestSchemaVersion is the schema version this binary brings a database
// of the dialect to: a backup from a newer one cannot be served by it.
func LatestSchemaVersion(dialect Dialect) (int, error) {
	ms, err := loadMigrations(string(dialect))
	return len(ms), err
}
