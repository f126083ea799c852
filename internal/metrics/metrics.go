// Package metrics is the instance's Prometheus registry: the HTTP metrics
// of package handlers, the database pools and replicas, the IMAP pool, the
// cluster jobs, and wrappers that count the failures of the session store
// and time the attachment store. cmd/webmail builds one per process and
// serves it on /metrics.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/webmail/webmail/handlers"
)

// Registry is the instance's Prometheus registry and what feeds it. Every
// series of an instance is the instance's own; the scraper labels them by
// target.
type Registry struct {
	registry      *prometheus.Registry
	http          *handlers.Metrics
	sessionErrors *prometheus.CounterVec
	attachments   *prometheus.HistogramVec
}

// New returns a registry with the Go runtime and process collectors, the
// HTTP metrics of package handlers, and an info series naming instance.
func New(instance string) *Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "webmail_instance_info", Help: "Always 1; names this instance (WEBMAIL_INSTANCE).",
		ConstLabels: prometheus.Labels{"instance_name": instance},
	}))
	m := &Registry{
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

// HTTP returns the request metrics, for handlers.Deps.Metrics.
func (m *Registry) HTTP() *handlers.Metrics {
	return m.http
}

// Handler serves the registry in the Prometheus text format.
func (m *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
