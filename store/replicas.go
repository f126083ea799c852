package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// replica is one read pool and what the last health check found. A replica
// that was never checked is in rotation, as before any monitoring: that
// keeps a store without WatchReplicas (tests, tools) reading from it, and a
// running instance checks every replica before it serves (CheckReplicas).
type replica struct {
	name  string // "replica1": in logs and metrics; never the DSN
	addr  string // host:port, for logs
	pool  *sql.DB
	local bool // SQLite's read pool: same file, never lags, never checked

	inRotation atomic.Bool
	reachable  atomic.Bool
	checked    atomic.Bool
	lagMillis  atomic.Int64

	mu     sync.Mutex // serialises checks of this replica
	reason string     // why it is out, "" while in; logged on change only
}

func newReplica(name, addr string, pool *sql.DB, local bool) *replica {
	r := &replica{name: name, addr: addr, pool: pool, local: local}
	r.inRotation.Store(true)
	r.reachable.Store(true)
	return r
}

// ReplicaStatus is what the last check found about one replica.
type ReplicaStatus struct {
	Name       string        // replica1, replica2, ... in WEBMAIL_DB_READ order
	Addr       string        // host:port
	Checked    bool          // a check has run
	Reachable  bool          // it answered the last check
	InRotation bool          // reads go to it
	Lag        time.Duration // now minus the heartbeat it has applied
}

// Replicas reports the health of every replica (none for SQLite).
func (db *DB) Replicas() []ReplicaStatus {
	var out []ReplicaStatus
	for _, r := range db.replicas {
		if r.local {
			continue
		}
		out = append(out, ReplicaStatus{
			Name: r.name, Addr: r.addr, Checked: r.checked.Load(), Reachable: r.reachable.Load(),
			InRotation: r.inRotation.Load(), Lag: time.Duration(r.lagMillis.Load()) * time.Millisecond,
		})
	}
	return out
}

// Pools returns every connection pool by name ("primary", "replica1"...,
// "read" for SQLite's read pool), for pool metrics.
func (db *DB) Pools() map[string]*sql.DB {
	pools := map[string]*sql.DB{"primary": db.write}
	for _, r := range db.replicas {
		pools[r.name] = r.pool
	}
	return pools
}

// PrimaryFallbacks counts reads meant for a replica that went to the
// primary instead: no replica was in rotation, or the chosen one failed.
func (db *DB) PrimaryFallbacks() int64 { return db.fallbacks.Load() }

// Read returns a pool for a read that may be slightly stale: a replica in
// rotation, chosen round robin, or the primary when there is none.
func (db *DB) Read() *sql.DB {
	if len(db.replicas) == 0 {
		return db.write
	}
	n := int(db.next.Add(1))
	for i := range db.replicas {
		r := db.replicas[(n+i)%len(db.replicas)]
		if r.inRotation.Load() {
			return r.pool
		}
	}
	db.fallbacks.Add(1)
	return db.write
}

// queryRowRead runs a single-row read on the pool ReadFor picks and, when
// that fails for any reason but "no rows", once more on the other side: a
// replica's failure goes to the primary, and an unreachable primary (a
// read-your-writes read while it is down) goes to the freshest replica
// that answers. A dead server never shows as an error to a user.
func (db *DB) queryRowRead(ctx context.Context, scan func(*sql.Row) error, query string, args ...any) error {
	pool := db.ReadFor(ctx)
	err := scan(db.queryRowOn(ctx, pool, query, args...))
	if err == nil || errors.Is(err, sql.ErrNoRows) || ctx.Err() != nil {
		return err
	}
	other := db.otherPool(pool, err)
	if other == nil {
		return err
	}
	return scan(db.queryRowOn(ctx, other, query, args...))
}

// queryRead is queryRowRead for reads of many rows. Only an error of the
// query itself moves it to the other side; the caller reads the rows.
func (db *DB) queryRead(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	pool := db.ReadFor(ctx)
	rows, err := db.queryOn(ctx, pool, query, args...)
	if err == nil || ctx.Err() != nil {
		return rows, err
	}
	other := db.otherPool(pool, err)
	if other == nil {
		return nil, err
	}
	return db.queryOn(ctx, other, query, args...)
}

// otherPool is where a read that failed on pool goes next, or nil.
func (db *DB) otherPool(pool *sql.DB, err error) *sql.DB {
	if pool != db.write {
		db.fallbacks.Add(1)
		return db.write
	}
	if !IsUnavailable(err) {
		return nil
	}
	// The primary is unreachable: a replica that answers is better than an
	// error, even one out of rotation for lag (without a primary, nothing
	// writes the heartbeat and every replica looks late).
	var best *replica
	for _, r := range db.replicas {
		if r.local || !r.reachable.Load() {
			continue
		}
		if best == nil || r.lagMillis.Load() < best.lagMillis.Load() {
			best = r
		}
	}
	if best == nil {
		return nil
	}
	return best.pool
}

// replicaCheckTimeout bounds one replica's check, so that a hung replica
// is taken out instead of stalling the monitor.
const replicaCheckTimeout = time.Second

// CheckReplicas checks every replica once, concurrently: one that does not
// answer, or whose applied heartbeat is older than the lag bound, leaves
// the rotation; one that answers within the bound joins it again. Each
// change is logged once.
func (db *DB) CheckReplicas(ctx context.Context) {
	var wg sync.WaitGroup
	for _, r := range db.replicas {
		if r.local {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			db.checkReplica(ctx, r)
		}()
	}
	wg.Wait()
}

func (db *DB) checkReplica(ctx context.Context, r *replica) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, replicaCheckTimeout)
	defer cancel()
	beat, err := heartbeatOn(ctx, r.pool)
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) {
		return // shutting down: not the replica's fault
	}
	reason := ""
	switch {
	case err != nil:
		r.reachable.Store(false)
		reason = "unreachable"
	case beat.UnixMilli() == 0:
		r.reachable.Store(true)
		reason = "no heartbeat yet (the job lease holder writes it every second)"
	default:
		r.reachable.Store(true)
		lag := max(time.Since(beat), 0)
		r.lagMillis.Store(lag.Milliseconds())
		if lag > db.maxLag {
			reason = "lagging"
		}
	}
	r.checked.Store(true)
	r.inRotation.Store(reason == "")
	if reason == r.reason {
		return
	}
	r.reason = reason
	lag := time.Duration(r.lagMillis.Load()) * time.Millisecond
	if reason == "" {
		db.logger.Info("replica in rotation", "replica", r.name, "addr", r.addr, "lag", lag.String())
		return
	}
	attrs := []any{"replica", r.name, "addr", r.addr, "reason", reason, "max_lag", db.maxLag.String()}
	if err != nil {
		attrs = append(attrs, "err", err)
	} else {
		attrs = append(attrs, "lag", lag.String())
	}
	db.logger.Warn("replica out of rotation: reads go to the other replicas or the primary", attrs...)
}

// WatchReplicas checks the replicas every interval until ctx ends. One
// instance's view is its own: every instance checks for itself, so a
// replica one instance cannot reach is avoided by that instance only.
func (db *DB) WatchReplicas(ctx context.Context, interval time.Duration) {
	if len(db.Replicas()) == 0 {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		db.CheckReplicas(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
