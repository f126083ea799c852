package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/webmail/webmail/jobs"
)

// WatchJobs exports whether this instance holds the job lease, and what
// each job has done here.
func (m *Registry) WatchJobs(r *jobs.Runner) {
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

// boolFloat is a gauge value for b.
func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
