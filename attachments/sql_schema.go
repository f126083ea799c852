package attachments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The sql backend's tables, the same as the project's first migration
// created them, so an installation migrated before the backend owned its
// schema has exactly these. On MySQL the keys need a binary collation:
// keys are case-sensitive, and "Doc" and "doc" are two objects.
const (
	sqliteObjectsTable = `CREATE TABLE IF NOT EXISTS attachment_objects (
    object_key VARCHAR(255) PRIMARY KEY,
    size BIGINT NOT NULL,
    content_type VARCHAR(255) NOT NULL,
    modified_at BIGINT NOT NULL,
    generation VARCHAR(64) NOT NULL
)`
	sqliteChunksTable = `CREATE TABLE IF NOT EXISTS attachment_chunks (
    object_key VARCHAR(255) NOT NULL,
    generation VARCHAR(64) NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (object_key, generation, seq)
)`
	mysqlObjectsTable = `CREATE TABLE IF NOT EXISTS attachment_objects (
    object_key VARCHAR(255) NOT NULL PRIMARY KEY,
    size BIGINT NOT NULL,
    content_type VARCHAR(255) NOT NULL,
    modified_at BIGINT NOT NULL,
    generation VARCHAR(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`
	mysqlChunksTable = `CREATE TABLE IF NOT EXISTS attachment_chunks (
    object_key VARCHAR(255) NOT NULL,
    generation VARCHAR(64) NOT NULL,
    seq INT NOT NULL,
    data LONGBLOB NOT NULL,
    PRIMARY KEY (object_key, generation, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`
)

// sqlSchemaLock is the MySQL named lock (GET_LOCK) held while the tables
// are created, and sqlSchemaLockWaitSecs how long an instance waits for it
// (under the 30 s read timeout package store gives the driver).
const (
	sqlSchemaLock         = "webmail_attachments_schema"
	sqlSchemaLockWaitSecs = 20
)

// createSchema creates the backend's tables if they are missing. It is
// safe with several instances starting at once: on MySQL they take turns
// under a named lock; on SQLite each CREATE takes the database's write
// lock (the DSN's busy timeout makes the others wait) and IF NOT EXISTS,
// checked again under that lock, makes the later ones no-ops.
func (s *SQL) createSchema(ctx context.Context) error {
	// Tables that exist are left alone without a CREATE statement: on
	// MySQL even CREATE TABLE IF NOT EXISTS needs the CREATE privilege,
	// which the application's user of an installation migrated by an
	// administrator may not have.
	if s.tablesExist(ctx) {
		return nil
	}
	if s.dialect == DialectSQLite {
		for _, stmt := range []string{sqliteObjectsTable, sqliteChunksTable} {
			if _, err := s.db.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("attachments: sql: creating the tables: %w", err)
			}
		}
		return nil
	}
	if err := s.createMySQLSchema(ctx); err != nil {
		return fmt.Errorf("attachments: sql: creating the tables: %w", err)
	}
	return nil
}

// createMySQLSchema creates the tables under sqlSchemaLock, on one
// connection since a named lock belongs to the connection that took it.
func (s *SQL) createMySQLSchema(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(?, ?)`, sqlSchemaLock, sqlSchemaLockWaitSecs).Scan(&got); err != nil {
		return fmt.Errorf("schema lock: %w", err)
	}
	if !got.Valid || got.Int64 != 1 {
		return errors.New("schema lock: another instance held it too long")
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT RELEASE_LOCK(?)`, sqlSchemaLock)
	for _, stmt := range []string{mysqlObjectsTable, mysqlChunksTable} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// tablesExist reports whether both tables answer a query. Any error
// counts as missing: creating them then reports the real problem.
func (s *SQL) tablesExist(ctx context.Context) bool {
	for _, table := range []string{"attachment_objects", "attachment_chunks"} {
		rows, err := s.db.QueryContext(ctx, `SELECT 1 FROM `+table+` WHERE 1 = 0`)
		if err != nil {
			return false
		}
		rows.Close()
	}
	return true
}
