package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/webmail/webmail/store"
)

// WatchDB exports the pools' database/sql statistics, the replicas' lag
// and rotation, and the reads that fell back to the primary.
func (m *Registry) WatchDB(db *store.DB) {
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
