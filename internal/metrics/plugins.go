package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/webmail/webmail/plugins"
)

var pluginFailuresDesc = prometheus.NewDesc("webmail_plugin_failures_total",
	"Failed calls of a plugin's hook on this instance: an error, a panic (recovered) or a missed deadline.",
	[]string{"plugin", "hook"}, nil)

// WatchPlugins exports the failures of the enabled plugins' hooks.
func (m *Registry) WatchPlugins(h *plugins.Host) {
	m.registry.MustRegister(pluginsCollector{h})
}

// pluginsCollector reads the host's failure counts at scrape time.
type pluginsCollector struct{ host *plugins.Host }

func (c pluginsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- pluginFailuresDesc }

func (c pluginsCollector) Collect(ch chan<- prometheus.Metric) {
	for k, n := range c.host.Failures() {
		ch <- prometheus.MustNewConstMetric(pluginFailuresDesc, prometheus.CounterValue, float64(n), k.Plugin, k.Hook)
	}
}
