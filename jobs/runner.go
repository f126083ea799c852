package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Default timing: a holder renews every 1.5 s a lease that lasts 5 s, so a
// dead holder is replaced within about 5 s and a live one survives one
// failed renewal.
const (
	DefaultTTL        = 5 * time.Second
	DefaultRenewEvery = 1500 * time.Millisecond
)

// Options tunes a Runner.
type Options struct {
	// Instance names this instance in logs (the lease's owner string).
	Instance string
	// Logger receives lease changes and job failures (default: discarded).
	Logger *slog.Logger
	// TTL is the lease's lifetime: when renewals fail for this long, the
	// holder stops its jobs, since another instance may hold the lease by
	// then. Default DefaultTTL; give the Lease the same value.
	TTL time.Duration
	// RenewEvery is how often the holder renews the lease and how often
	// the others try to take it. Default DefaultRenewEvery.
	RenewEvery time.Duration
}

// Runner runs registered jobs while it holds the lease.
type Runner struct {
	lease   Lease
	opts    Options
	mu      sync.Mutex
	jobs    []*jobState
	started bool
	leading atomic.Bool
	taken   atomic.Int64 // how often this instance took the lease
}

type jobState struct {
	Job
	runs, failures atomic.Int64
	lastSuccess    atomic.Int64 // unix ms
	lastDuration   atomic.Int64 // ns
	failing        bool         // touched by the job's own goroutine only
}

// New returns a runner competing for lease.
func New(lease Lease, opts Options) *Runner {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.RenewEvery <= 0 {
		opts.RenewEvery = DefaultRenewEvery
	}
	return &Runner{lease: lease, opts: opts}
}

// Register adds a job. It panics on an invalid job, a duplicate name, or a
// call after Run started: registration is wiring, done once at start-up.
func (r *Runner) Register(job Job) {
	if err := job.validate(); err != nil {
		panic(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		panic(fmt.Sprintf("jobs: Register(%q) after Run", job.Name))
	}
	for _, j := range r.jobs {
		if j.Name == job.Name {
			panic(fmt.Sprintf("jobs: job %q registered twice", job.Name))
		}
	}
	r.jobs = append(r.jobs, &jobState{Job: job})
}

// Leading reports whether this instance holds the lease and runs the jobs.
func (r *Runner) Leading() bool { return r.leading.Load() }

// LeaseName names the lease mechanism (redis, mysql GET_LOCK, local).
func (r *Runner) LeaseName() string { return r.lease.String() }

// LeaseHolder asks the lease who holds it cluster-wide, when the mechanism
// can tell (Redis); ok is false when it cannot.
func (r *Runner) LeaseHolder(ctx context.Context) (holder string, ok bool, err error) {
	h, can := r.lease.(Holder)
	if !can {
		return "", false, nil
	}
	holder, err = h.Holder(ctx)
	return holder, true, err
}

// Acquisitions counts how often this instance took the lease.
func (r *Runner) Acquisitions() int64 { return r.taken.Load() }

// JobStats is what one job has done on this instance.
type JobStats struct {
	Name         string
	Runs         int64
	Failures     int64
	LastSuccess  time.Time // zero if never
	LastDuration time.Duration
}

// Stats reports every job's counters on this instance.
func (r *Runner) Stats() []JobStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]JobStats, 0, len(r.jobs))
	for _, j := range r.jobs {
		s := JobStats{Name: j.Name, Runs: j.runs.Load(), Failures: j.failures.Load(),
			LastDuration: time.Duration(j.lastDuration.Load())}
		if ms := j.lastSuccess.Load(); ms != 0 {
			s.LastSuccess = time.UnixMilli(ms)
		}
		out = append(out, s)
	}
	return out
}

// Run competes for the lease and runs the jobs while holding it, until ctx
// ends; then it stops the jobs and releases the lease so another instance
// takes over at once.
func (r *Runner) Run(ctx context.Context) {
	r.mu.Lock()
	r.started = true
	jobs := r.jobs
	r.mu.Unlock()
	log := r.opts.Logger.With("instance", r.opts.Instance, "lease", r.lease.String())
	var lastErr string
	for {
		// The lease runs from when the request was sent, not from when
		// the answer came: a slow answer must not make it look newer.
		sent := time.Now()
		ok, err := r.acquire(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			// Logged once per distinct error: a follower retries every
			// RenewEvery while the lease store is down.
			if err.Error() != lastErr {
				log.Warn("job lease: cannot reach the lease store", "err", err)
				lastErr = err.Error()
			}
		case ok:
			lastErr = ""
			r.lead(ctx, log, jobs, sent)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(r.opts.RenewEvery):
		}
	}
}

func (r *Runner) acquire(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, r.opts.RenewEvery)
	defer cancel()
	return r.lease.Acquire(ctx)
}

// lead runs the jobs until the lease is lost or ctx ends. acquired is when
// the request that took the lease was sent.
func (r *Runner) lead(ctx context.Context, log *slog.Logger, jobs []*jobState, acquired time.Time) {
	r.taken.Add(1)
	r.leading.Store(true)
	log.Info("job lease acquired: this instance runs the cluster jobs", "jobs", len(jobs))

	leadCtx, stopJobs := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.loop(leadCtx, log, j)
		}()
	}
	stop := func() {
		stopJobs()
		wg.Wait()
		r.leading.Store(false)
	}

	lastRenewed := acquired
	tick := time.NewTicker(r.opts.RenewEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			stop()
			releaseCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			if err := r.lease.Release(releaseCtx); err != nil {
				log.Warn("job lease: release failed; it expires by itself", "err", err)
			} else {
				log.Info("job lease released")
			}
			return
		case <-tick.C:
		}
		sent := time.Now()
		renewCtx, cancel := context.WithTimeout(ctx, r.opts.RenewEvery)
		ok, err := r.lease.Renew(renewCtx)
		cancel()
		if ok && err == nil {
			lastRenewed = sent
			continue
		}
		if ctx.Err() != nil {
			continue // shutting down: handled above
		}
		// A failed renewal is retried while the lease is surely still
		// ours at the next renewal; past that, another instance may take
		// it, so the jobs stop first, with a margin of one RenewEvery.
		if err != nil && time.Since(lastRenewed)+2*r.opts.RenewEvery < r.opts.TTL {
			log.Warn("job lease: renewal failed, retrying", "err", err)
			continue
		}
		stop()
		releaseCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		_ = r.lease.Release(releaseCtx) // frees a lock connection; a no-op if another holds it
		cancel()
		log.Warn("job lease lost: this instance stopped running the cluster jobs", "err", err)
		return
	}
}

// loop runs one job every Every until ctx ends.
func (r *Runner) loop(ctx context.Context, log *slog.Logger, j *jobState) {
	for {
		start := time.Now()
		runCtx, cancel := context.WithTimeout(ctx, j.runTimeout())
		err := j.Run(runCtx)
		cancel()
		if ctx.Err() != nil {
			return // interrupted: neither a success nor a failure
		}
		r.record(log, j, start, err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(start.Add(j.Every))):
		}
	}
}

func (r *Runner) record(log *slog.Logger, j *jobState, start time.Time, err error) {
	j.runs.Add(1)
	j.lastDuration.Store(int64(time.Since(start)))
	if err == nil {
		j.lastSuccess.Store(time.Now().UnixMilli())
		if j.failing {
			log.Info("job recovered", "job", j.Name)
			j.failing = false
		}
		return
	}
	j.failures.Add(1)
	// A job failing every second while a server is down logs once, not
	// every second.
	if !j.failing {
		log.Warn("job failed", "job", j.Name, "err", err)
		j.failing = true
		return
	}
	log.Debug("job failed again", "job", j.Name, "err", err)
}
