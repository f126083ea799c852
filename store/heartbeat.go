package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Replication lag is measured the same way on MySQL and MariaDB: one job
// runner of the cluster writes the current time (milliseconds) into the
// heartbeat row on the primary every second; each instance reads the row
// on each replica, and now minus what the replica has applied is its lag.
// Instances' clocks must agree (NTP); when the writer changes hands, the
// row goes stale for a few seconds and reads go to the primary meanwhile,
// which is safe.

// HeartbeatInterval is how often the heartbeat job should run.
const HeartbeatInterval = time.Second

// Beat writes the current time into the heartbeat row on the primary.
func (db *DB) Beat(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE heartbeat SET ts = ? WHERE id = 1`, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("store: heartbeat: %w", err)
	}
	return nil
}

// heartbeatOn reads the heartbeat row through pool.
func heartbeatOn(ctx context.Context, pool *sql.DB) (time.Time, error) {
	var ms int64
	if err := pool.QueryRowContext(ctx, `SELECT ts FROM heartbeat WHERE id = 1`).Scan(&ms); err != nil {
		return time.Time{}, fmt.Errorf("store: heartbeat: %w", err)
	}
	return time.UnixMilli(ms), nil
}

// NeedsHeartbeat reports whether this database has replicas to measure.
func (db *DB) NeedsHeartbeat() bool { return len(db.Replicas()) > 0 }
