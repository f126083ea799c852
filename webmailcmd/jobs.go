package webmailcmd

import (
	"context"
	"time"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/jobs"
	"github.com/webmail/webmail/store"
)

// The cluster job lease: a Redis key when Redis is configured, else a
// MySQL/MariaDB named lock, else (SQLite: one instance) no lease at all.
const (
	jobsLeaseKey  = "webmail:lease:jobs" // Redis; its value names the holder
	jobsLockName  = "webmail_jobs"       // GET_LOCK
	sweepInterval = time.Hour
	// sweepOlderThan must exceed the longest upload: Sweep may otherwise
	// remove the data of one still running.
	sweepOlderThan = 24 * time.Hour
)

// newRunner picks the lease and registers the cluster jobs.
func (a *app) newRunner() *jobs.Runner {
	var lease jobs.Lease
	switch {
	case a.redis != nil:
		lease = jobs.NewRedisLease(a.redis, jobsLeaseKey, a.owner, jobs.DefaultTTL)
	case a.db.Dialect() == store.MySQL:
		lease = jobs.NewSQLLease(a.db, jobsLockName)
	default:
		lease = jobs.LocalLease{}
	}
	r := jobs.New(lease, jobs.Options{Instance: a.owner, Logger: a.logger})
	a.registerJobs(r)
	return r
}

// registerJobs is the one list of jobs that run once per cluster. A new
// periodic job (outbox retries...) is one more Register call here.
func (a *app) registerJobs(r *jobs.Runner) {
	if a.db.NeedsHeartbeat() {
		r.Register(jobs.Job{Name: "replication-heartbeat", Every: store.HeartbeatInterval, Run: a.db.Beat})
	}
	if a.sqlStore != nil {
		r.Register(jobs.Job{Name: "session-cleanup", Every: 5 * time.Minute, Run: func(ctx context.Context) error {
			n, err := a.sqlStore.Cleanup(ctx)
			if n > 0 {
				a.logger.Info("session cleanup", "deleted", n)
			}
			return err
		}})
	}
	if a.redis == nil {
		// Redis forgets old failures by itself; the SQL table is pruned.
		r.Register(jobs.Job{Name: "login-failures-prune", Every: 10 * time.Minute, Run: func(ctx context.Context) error {
			keep := max(a.core.LoginLimits().Window, time.Hour)
			_, err := a.db.PruneLoginFailures(ctx, time.Now().Add(-keep))
			return err
		}})
	}
	// Unsent composes and their uploads after WEBMAIL_COMPOSE_TTL, and
	// finished outgoing messages (the outbox worker itself runs on every
	// instance, see startBackground).
	r.Register(jobs.Job{Name: "compose-cleanup", Every: time.Minute, Run: a.core.CleanUpCompose})
	if sweeper, ok := a.attachments.(attachments.Sweeper); ok {
		r.Register(jobs.Job{Name: "attachment-sweep", Every: sweepInterval, Run: func(ctx context.Context) error {
			n, err := sweeper.Sweep(ctx, sweepOlderThan)
			if n > 0 {
				a.logger.Info("attachment sweep", "removed", n)
			}
			return err
		}})
	}
	// The plugins' jobs (Jobs hook), on the lease holder like the rest.
	for _, j := range a.plugins.Jobs() {
		r.Register(jobs.Job{Name: j.Name, Every: j.Every, Run: j.Run})
	}
}
