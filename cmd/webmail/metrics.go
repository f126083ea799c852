package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/handlers"
	"github.com/webmail/webmail/jobs"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// metrics is the instance's Prometheus registry and what feeds it. Every
// series of an instance is the instance's own; the scraper labels them by
// target.
type metrics struct {
	registry      *prometheus.Registry
	http          *handlers.Metrics
	sessionErrors *prometheus.CounterVec
	attachments   *prometheus.HistogramVec
}

func newMetrics(instance string) *metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "webmail_instance_info", Help: "Always 1; names this instance (WEBMAIL_INSTANCE).",
		ConstLabels: prometheus.Labels{"instance_name": instance},
	}))
	m := &metrics{
		registry: reg,
		http:     handlers.NewMetrics(reg),
		sessionErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "webmail_session_store_errors_total",
			Help: "Session store operations that failed (not counting unknown sessions), by operation.",
		}, []string{"op"}),
		attachments: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "webmail_attachment_store_duration_seconds",
			Help:    "Attachment store latency by operation and result (Get: until the stream opens).",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"op", "result"}),
	}
	reg.MustRegister(m.sessionErrors, m.attachments)
	return m
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// watchDB exports the pools' database/sql statistics, the replicas' lag
// and rotation, and the reads that fell back to the primary.
func (m *metrics) watchDB(db *store.DB) {
	for name, pool := range db.Pools() {
		m.registry.MustRegister(collectors.NewDBStatsCollector(pool, name))
	}
	for _, r := range db.Replicas() {
		name := r.Name
		labels := prometheus.Labels{"replica": name}
		find := func() store.ReplicaStatus {
			for _, s := range db.Replicas() {
				if s.Name == name {
					return s
				}
			}
			return store.ReplicaStatus{}
		}
		m.registry.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "webmail_db_replica_lag_seconds",
				Help: "Replication lag measured by the heartbeat row at the last check.", ConstLabels: labels},
				func() float64 { return find().Lag.Seconds() }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "webmail_db_replica_in_rotation",
				Help: "1 while reads go to this replica: it answers and lags less than WEBMAIL_DB_MAX_LAG.", ConstLabels: labels},
				func() float64 { return boolFloat(find().InRotation) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "webmail_db_replica_reachable",
				Help: "1 if the replica answered the last check.", ConstLabels: labels},
				func() float64 { return boolFloat(find().Reachable) }),
		)
	}
	m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "webmail_db_primary_fallbacks_total",
		Help: "Reads meant for a replica that went to the primary (no replica in rotation, or the replica failed)."},
		func() float64 { return float64(db.PrimaryFallbacks()) }))
}

// watchPool exports the IMAP connection pool's counters.
func (m *metrics) watchPool(pool *mail.Pool) {
	stat := func(f func(mail.PoolStats) float64) func() float64 {
		return func() float64 { return f(pool.Stats()) }
	}
	m.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "webmail_imap_pool_open", Help: "IMAP connections open on this instance, busy and idle."},
			stat(func(s mail.PoolStats) float64 { return float64(s.Open) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "webmail_imap_pool_idle", Help: "Idle pooled IMAP connections."},
			stat(func(s mail.PoolStats) float64 { return float64(s.Idle) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "webmail_imap_pool_dialed_total", Help: "IMAP connections dialed and logged in."},
			stat(func(s mail.PoolStats) float64 { return float64(s.Dialed) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "webmail_imap_pool_reused_total", Help: "Requests served by a pooled IMAP connection."},
			stat(func(s mail.PoolStats) float64 { return float64(s.Reused) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "webmail_imap_pool_dial_errors_total", Help: "IMAP dials or logins that failed."},
			stat(func(s mail.PoolStats) float64 { return float64(s.DialErrors) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "webmail_imap_pool_discarded_total", Help: "Pooled IMAP connections closed as broken or idle."},
			stat(func(s mail.PoolStats) float64 { return float64(s.Discarded) })),
	)
}

// watchJobs exports whether this instance holds the job lease, and what
// each job has done here.
func (m *metrics) watchJobs(r *jobs.Runner) {
	m.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "webmail_job_lease_held",
			Help:        "1 while this instance holds the cluster job lease and runs the cluster jobs.",
			ConstLabels: prometheus.Labels{"lease": r.LeaseName()}},
			func() float64 { return boolFloat(r.Leading()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "webmail_job_lease_acquisitions_total",
			Help: "How often this instance took the job lease."},
			func() float64 { return float64(r.Acquisitions()) }),
		jobsCollector{r},
	)
}

var (
	jobRunsDesc = prometheus.NewDesc("webmail_job_runs_total",
		"Runs of a cluster job on this instance.", []string{"job"}, nil)
	jobFailuresDesc = prometheus.NewDesc("webmail_job_failures_total",
		"Failed runs of a cluster job on this instance.", []string{"job"}, nil)
	jobSuccessDesc = prometheus.NewDesc("webmail_job_last_success_timestamp_seconds",
		"When a cluster job last succeeded on this instance (0: never).", []string{"job"}, nil)
)

// jobsCollector reads the runner's per-job counters at scrape time.
type jobsCollector struct{ runner *jobs.Runner }

func (c jobsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jobRunsDesc
	ch <- jobFailuresDesc
	ch <- jobSuccessDesc
}

func (c jobsCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.runner.Stats() {
		ch <- prometheus.MustNewConstMetric(jobRunsDesc, prometheus.CounterValue, float64(s.Runs), s.Name)
		ch <- prometheus.MustNewConstMetric(jobFailuresDesc, prometheus.CounterValue, float64(s.Failures), s.Name)
		last := 0.0
		if !s.LastSuccess.IsZero() {
			last = float64(s.LastSuccess.UnixMilli()) / 1000
		}
		ch <- prometheus.MustNewConstMetric(jobSuccessDesc, prometheus.GaugeValue, last, s.Name)
	}
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// countingSessions counts a session store's failures.
type countingSessions struct {
	session.Store
	errors *prometheus.CounterVec
}

func (m *metrics) sessionStore(st session.Store) session.Store {
	return countingSessions{Store: st, errors: m.sessionErrors}
}

func (c countingSessions) count(op string, err error) error {
	if err != nil && !session.IsNotFound(err) {
		c.errors.WithLabelValues(op).Inc()
	}
	return err
}

func (c countingSessions) Get(ctx context.Context, id string) (*session.Session, error) {
	s, err := c.Store.Get(ctx, id)
	return s, c.count("get", err)
}

func (c countingSessions) Save(ctx context.Context, s *session.Session, ttl time.Duration) error {
	return c.count("save", c.Store.Save(ctx, s, ttl))
}

func (c countingSessions) Touch(ctx context.Context, s *session.Session, ttl time.Duration) error {
	return c.count("touch", c.Store.Touch(ctx, s, ttl))
}

func (c countingSessions) Delete(ctx context.Context, id string) error {
	return c.count("delete", c.Store.Delete(ctx, id))
}

func (c countingSessions) Ping(ctx context.Context) error {
	return c.count("ping", c.Store.Ping(ctx))
}

// timedAttachments times an attachment store's operations.
type timedAttachments struct {
	attachments.Store
	latency *prometheus.HistogramVec
}

// timedSweeper keeps the optional Sweeper ability of the store it wraps.
type timedSweeper struct {
	timedAttachments
	sweeper attachments.Sweeper
}

func (m *metrics) attachmentStore(st attachments.Store) attachments.Store {
	timed := timedAttachments{Store: st, latency: m.attachments}
	if sw, ok := st.(attachments.Sweeper); ok {
		return timedSweeper{timedAttachments: timed, sweeper: sw}
	}
	return timed
}

func (t timedAttachments) observe(op string, start time.Time, err error) {
	result := "ok"
	if err != nil && !errors.Is(err, attachments.ErrNotFound) {
		result = "error"
	}
	t.latency.WithLabelValues(op, result).Observe(time.Since(start).Seconds())
}

func (t timedAttachments) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	start := time.Now()
	err := t.Store.Put(ctx, key, r, size, contentType)
	t.observe("put", start, err)
	return err
}

func (t timedAttachments) Get(ctx context.Context, key string) (io.ReadCloser, attachments.Info, error) {
	start := time.Now()
	rc, info, err := t.Store.Get(ctx, key)
	t.observe("get", start, err)
	return rc, info, err
}

func (t timedAttachments) Stat(ctx context.Context, key string) (attachments.Info, error) {
	start := time.Now()
	info, err := t.Store.Stat(ctx, key)
	t.observe("stat", start, err)
	return info, err
}

func (t timedAttachments) Delete(ctx context.Context, key string) error {
	start := time.Now()
	err := t.Store.Delete(ctx, key)
	t.observe("delete", start, err)
	return err
}

func (t timedSweeper) Sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	return t.sweeper.Sweep(ctx, olderThan)
}

// serveMetrics serves /metrics on a listener of its own until ctx ends.
func serveMetrics(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("metrics listener failed", "err", err)
	}
}
