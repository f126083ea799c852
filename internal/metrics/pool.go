package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/webmail/webmail/mail"
)

// WatchPool exports the IMAP connection pool's counters.
func (m *Registry) WatchPool(pool *mail.Pool) {
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
