package cluster_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

// replicaReads counts the rows the replica has read from the users table
// since its statistics were switched on: the message page reads the user's
// row from a replica, so the count grows while reads go there. MariaDB's
// userstat counts per table, which keeps the instances' replica health
// checks (they read the heartbeat table) out of the number.
type replicaReads struct {
	t        *testing.T
	rootDSN  string
	database string
	db       *sql.DB
}

func newReplicaReads(t *testing.T, c *cluster) *replicaReads {
	r := &replicaReads{t: t, rootDSN: c.db.RootReplicaDSN(), database: c.db.Database}
	t.Cleanup(func() {
		if r.db != nil {
			r.db.Close()
		}
	})
	return r
}

// enable switches the statistics on; a restarted replica has them off.
func (r *replicaReads) enable() {
	r.t.Helper()
	if r.db != nil {
		r.db.Close()
	}
	db, err := sql.Open("mysql", r.rootDSN)
	if err != nil {
		r.t.Fatal(err)
	}
	r.db = db
	if _, err := db.Exec("SET GLOBAL userstat = 1"); err != nil {
		r.t.Fatalf("replica: SET GLOBAL userstat: %v", err)
	}
}

// count returns the rows read from users so far.
func (r *replicaReads) count() int64 {
	r.t.Helper()
	var n sql.NullInt64
	err := r.db.QueryRow(`SELECT SUM(ROWS_READ) FROM information_schema.TABLE_STATISTICS
		WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'users'`, r.database).Scan(&n)
	if err != nil {
		r.t.Fatalf("replica: table statistics: %v", err)
	}
	return n.Int64
}

// waitGrowth polls until count exceeds base and returns how long it took,
// or fails the test after timeout.
func (r *replicaReads) waitGrowth(base int64, timeout time.Duration) time.Duration {
	r.t.Helper()
	began := time.Now()
	for r.count() <= base {
		if time.Since(began) > timeout {
			r.t.Fatalf("no reads of users reached the replica within %s", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(began)
}

// stepReplicaRestarted: the replica is stopped under load and started
// again. Users see no error (reads fall back to the primary), and reads go
// back to the replica once it is up.
func stepReplicaRestarted(t *testing.T, c *cluster) {
	reads := newReplicaReads(t, c)
	reads.enable()
	before := reads.count()
	l := startLoad(t, c.users)
	reads.waitGrowth(before, 15*time.Second)
	beforeStop := reads.count() - before

	stopped := time.Now()
	c.db.StopReplica(t)
	time.Sleep(4 * time.Second)
	c.db.StartReplica(t)
	restarted := time.Now()
	reads.enable()
	back := reads.waitGrowth(reads.count(), 20*time.Second)
	time.Sleep(time.Second)
	results := l.stop()

	// Every instance checks the replicas itself (store.WatchReplicas) and
	// logs when one leaves or rejoins the rotation.
	var outs, ins int
	for _, in := range c.instances {
		text := logSince(in, stopped)
		var out, back int
		for _, line := range strings.Split(text, "\n") {
			switch {
			case strings.Contains(line, "replica out of rotation"):
				out++
			case strings.Contains(line, "replica back in rotation"), strings.Contains(line, "replica in rotation"):
				back++
			}
		}
		if out == 0 || back == 0 {
			t.Errorf("%s logged the replica out of rotation %d times and back %d times; want both", in.name, out, back)
		}
		outs, ins = outs+out, ins+back
	}
	all := count(results, nil)
	report(t, "replica stopped for %s under load, then started: %s; users rows read on the replica before the stop: %d; reads back on it %.1fs after its restart; instances logging it out of / back in rotation: %d / %d",
		restarted.Sub(stopped).Round(100*time.Millisecond), all, beforeStop, back.Seconds(), outs, ins)
	if all.failed > 0 {
		t.Errorf("%d requests failed while the replica was down or coming back:%s", all.failed, failures(results, 10))
	}
}

// logSince returns the instance's log lines written after since, judged by
// the time field of each line (text or JSON format).
func logSince(in *instance, since time.Time) string {
	var b strings.Builder
	for _, line := range strings.Split(in.logText(), "\n") {
		if ts, ok := lineTime(line); ok && !ts.Before(since) {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// lineTime finds slog's time=... (text) or "time":"..." (JSON) in a line.
func lineTime(line string) (time.Time, bool) {
	for _, prefix := range []string{"time=", `"time":"`} {
		i := strings.Index(line, prefix)
		if i < 0 {
			continue
		}
		rest := line[i+len(prefix):]
		if end := strings.IndexAny(rest, ` "`); end >= 0 {
			rest = rest[:end]
		}
		if ts, err := time.Parse(time.RFC3339Nano, rest); err == nil {
			return ts, true
		}
	}
	return time.Time{}, false
}
