// Package jobs runs the periodic jobs that must run once per cluster
// (session cleanup, the replication heartbeat, upload cleanup, outbox
// retries...). Every instance runs a Runner; only the one holding the
// cluster lease runs the jobs. When the holder stops or dies, another
// instance takes the lease within its TTL and carries on, so adding
// instances never runs a job twice and losing one never stops them.
//
// A job is registered once, before Run:
//
//	runner.Register(jobs.Job{Name: "upload-cleanup", Every: time.Hour, Run: uploads.Sweep})
//
// Jobs must stop when their context ends (the lease was lost or the
// instance is shutting down) and should be safe to run again after an
// interruption: a run cut short is not resumed, the next holder starts it
// over.
package jobs

import (
	"context"
	"fmt"
	"time"
)

// Job is a periodic task run by the lease holder.
type Job struct {
	// Name identifies the job in logs and metrics.
	Name string
	// Every is the pause between the start of one run and the next. The
	// first run starts as soon as this instance holds the lease.
	Every time.Duration
	// Run does the work. Its context ends when the run's time is up
	// (Every, at least minRunTimeout), the lease is lost, or the instance
	// stops.
	Run func(ctx context.Context) error
}

// minRunTimeout is the shortest time a run gets, for jobs that run every
// second but may need to wait for a server now and then.
const minRunTimeout = 5 * time.Second

func (j Job) runTimeout() time.Duration { return max(j.Every, minRunTimeout) }

func (j Job) validate() error {
	if j.Name == "" || j.Every <= 0 || j.Run == nil {
		return fmt.Errorf("jobs: job %q needs a name, a positive interval and a function", j.Name)
	}
	return nil
}

// Lease is a lock with an expiry that one instance of the cluster holds at
// a time.
type Lease interface {
	// Acquire tries to take the lease; false means another instance holds
	// it.
	Acquire(ctx context.Context) (bool, error)
	// Renew extends the lease this instance holds; false means it has been
	// lost and another instance may hold it now.
	Renew(ctx context.Context) (bool, error)
	// Release gives the lease up so another instance can take it at once.
	Release(ctx context.Context) error
	// String names the mechanism, for logs.
	String() string
}

// Holder is an optional ability of a Lease: telling which instance holds
// it, cluster-wide.
type Holder interface {
	// Holder returns the holder's owner string, or "" if none holds it.
	Holder(ctx context.Context) (string, error)
}
