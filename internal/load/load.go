package load

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// Config says what to drive and where.
type Config struct {
	// BaseURL is the webmail, e.g. "http://127.0.0.1:8080".
	BaseURL string
	// IMAPAddr is the IMAP server (host:port, plain text) behind it, for
	// the floor operations and to learn the messages' UIDs.
	IMAPAddr string
	// Users are the accounts the workers log in as, round-robin; each
	// INBOX should hold the same kind of mail (the test fixture: 5,000
	// messages).
	Users []User
	// Concurrency lists the numbers of workers to run each operation
	// with; default 1, 8, 32.
	Concurrency []int
	// Duration is how long each operation runs at each concurrency after
	// a warm-up of a tenth of it; default 15 seconds.
	Duration time.Duration
	// Ops names the operations to run, in order; default all of Ops().
	Ops []string
	// WebmailPID and IMAPPID are the processes whose CPU is measured
	// (with their children); 0 leaves the column empty.
	WebmailPID, IMAPPID int
	// Timeout bounds one request; default 30 seconds.
	Timeout time.Duration
	// ViewSpread is how many of the newest messages the view operations
	// cycle through; default 1,000.
	ViewSpread int
}

// User is one account.
type User struct {
	Email, Password string
}

// Result is one operation at one concurrency.
type Result struct {
	Op          string
	Concurrency int
	Ops, Errors int
	Elapsed     time.Duration
	// P50, P90 and P99 are the latency percentiles of successful
	// operations.
	P50, P90, P99 time.Duration
	// WebmailCPU and IMAPCPU are the CPU time both processes spent over
	// the measured window.
	WebmailCPU, IMAPCPU time.Duration
	// FirstError is the first failure, to tell what went wrong.
	FirstError string
}

// PerSecond is the rate of successful operations.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Ops) / r.Elapsed.Seconds()
}

// Report is a run's results with the machine's load around them.
type Report struct {
	Started             time.Time
	LoadBefore, LoadEnd string // /proc/loadavg's first three fields
	Results             []Result
}

// Run drives every operation at every concurrency, one cell after
// another, and returns the results. A failed setup (a login that does not
// work) ends the run; failures while driving are counted in the results.
func Run(ctx context.Context, cfg Config) (Report, error) {
	cfg = cfg.withDefaults()
	if len(cfg.Users) == 0 {
		return Report{}, errors.New("load: no users")
	}
	ops := Ops()
	if len(cfg.Ops) > 0 {
		var picked []Operation
		for _, name := range cfg.Ops {
			i := slices.IndexFunc(ops, func(o Operation) bool { return o.Name == name })
			if i < 0 {
				return Report{}, fmt.Errorf("load: no operation %q", name)
			}
			picked = append(picked, ops[i])
		}
		ops = picked
	}
	uids, err := newestUIDs(ctx, cfg, nil)
	if err != nil {
		return Report{}, err
	}
	for _, u := range cfg.Users {
		if len(uids[u.Email]) == 0 {
			return Report{}, fmt.Errorf("load: %s has an empty INBOX", u.Email)
		}
	}
	var htmlUIDs map[string][]uint32
	if slices.ContainsFunc(ops, func(o Operation) bool { return o.Name == "view-html" }) {
		if htmlUIDs, err = newestUIDs(ctx, cfg, htmlCriteria()); err != nil {
			return Report{}, err
		}
		if missing := slices.ContainsFunc(cfg.Users, func(u User) bool { return len(htmlUIDs[u.Email]) == 0 }); missing {
			if len(cfg.Ops) > 0 {
				return Report{}, errors.New("load: view-html: a user has no HTML message (multipart/alternative) in the INBOX")
			}
			// Run by default, not asked for: left out where there is
			// nothing to open.
			ops = slices.DeleteFunc(ops, func(o Operation) bool { return o.Name == "view-html" })
		}
	}
	report := Report{Started: time.Now(), LoadBefore: loadAverage()}
	for _, op := range ops {
		for _, c := range cfg.Concurrency {
			res, err := runCell(ctx, cfg, op, c, uids, htmlUIDs)
			if err != nil {
				return report, err
			}
			report.Results = append(report.Results, res)
		}
	}
	report.LoadEnd = loadAverage()
	return report, nil
}

func (cfg Config) withDefaults() Config {
	if len(cfg.Concurrency) == 0 {
		cfg.Concurrency = []int{1, 8, 32}
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 15 * time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.ViewSpread <= 0 {
		cfg.ViewSpread = 1000
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return cfg
}

// runCell runs op with c workers: set up, warm up, then measure.
func runCell(ctx context.Context, cfg Config, op Operation, c int, uids, htmlUIDs map[string][]uint32) (Result, error) {
	workers := make([]*worker, c)
	for i := range workers {
		user := cfg.Users[i%len(cfg.Users)]
		w := &worker{cfg: cfg, user: user, uids: uids[user.Email], htmlUIDs: htmlUIDs[user.Email], index: i,
			rand: rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))}
		if op.Setup != nil {
			if err := op.Setup(ctx, w); err != nil {
				closeWorkers(workers[:i])
				return Result{}, fmt.Errorf("load: %s: setting up worker %d: %w", op.Name, i, err)
			}
		}
		workers[i] = w
	}
	defer closeWorkers(workers)

	drive(ctx, op, workers, cfg.Duration/10) // warm-up, not counted
	web0, imap0 := ReadTree(cfg.WebmailPID), ReadTree(cfg.IMAPPID)
	start := time.Now()
	lat, errs, firstErr := drive(ctx, op, workers, cfg.Duration)
	elapsed := time.Since(start)
	web1, imap1 := ReadTree(cfg.WebmailPID), ReadTree(cfg.IMAPPID)

	res := Result{Op: op.Name, Concurrency: c, Ops: len(lat), Errors: errs, Elapsed: elapsed,
		WebmailCPU: web1.CPU - web0.CPU, IMAPCPU: imap1.CPU - imap0.CPU}
	if firstErr != nil {
		res.FirstError = firstErr.Error()
	}
	slices.Sort(lat)
	res.P50, res.P90, res.P99 = percentile(lat, 50), percentile(lat, 90), percentile(lat, 99)
	return res, nil
}

// drive runs op on every worker for d, closed-loop, and returns the
// latencies of the successes and the number of failures.
func drive(ctx context.Context, op Operation, workers []*worker, d time.Duration) (lat []time.Duration, errs int, first error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var failed int
			var firstErr error
			for ctx.Err() == nil {
				t0 := time.Now()
				err := op.Do(ctx, w)
				if ctx.Err() != nil {
					break // cut by the end of the window: neither success nor failure
				}
				if err != nil {
					failed++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				mine = append(mine, time.Since(t0))
				w.iteration++
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += failed
			if first == nil {
				first = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return lat, errs, first
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

func closeWorkers(workers []*worker) {
	for _, w := range workers {
		if w != nil {
			w.close()
		}
	}
}

// loadAverage is the machine's 1, 5 and 15 minute load averages.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
