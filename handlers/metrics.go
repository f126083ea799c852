package handlers

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the HTTP layer's Prometheus metrics. cmd/webmail registers
// the others (IMAP pool, databases, jobs...) on the same registry.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics creates the HTTP metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "webmail_http_requests_total",
			Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "webmail_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern and method.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// observeRequest counts and times every request by its route pattern
// (c.Path(), "/mail/:mailbox/:uid"), never the raw URL: one series per
// route, and no mailbox names or message numbers in the metrics. It runs
// outside the access log, which has turned any error into a response.
func (s *Server) observeRequest(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.Metrics == nil {
			return next(c)
		}
		start := time.Now()
		err := next(c)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		method := c.Request().Method
		s.Metrics.requests.WithLabelValues(route, method, strconv.Itoa(c.Response().Status)).Inc()
		s.Metrics.duration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
		return err
	}
}
