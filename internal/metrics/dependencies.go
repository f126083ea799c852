package metrics

import (
	"encoding/json"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/webmail/webmail/app"
)

// dependencyNames are the shared dependencies app.WatchDependencies
// watches, one series each.
var dependencyNames = []app.Dependency{app.DependencyDatabase, app.DependencySessions, app.DependencyAttachments}

// WatchDependencies exports the latest answers of the shared dependencies
// (states, app.App.DependencyStates) as webmail_dependency_up: 1 up, 0
// down, absent before the first check. Every instance reports the same
// outage, which is how an operator tells a shared outage from one
// instance's trouble.
func (m *Registry) WatchDependencies(states func() []app.DependencyState) {
	for _, name := range dependencyNames {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "webmail_dependency_up",
			Help:        "Whether a shared dependency answered its latest check (every 2 s): 1 up, 0 down. A shared outage keeps instances in rotation.",
			ConstLabels: prometheus.Labels{"dependency": string(name)},
		}, func() float64 {
			for _, s := range states() {
				if s.Dependency == name && s.Up {
					return 1
				}
			}
			return 0
		}))
	}
}

// Status is the status listener's GET /status: a JSON document with this
// instance's name and the latest answer of every shared dependency,
// errors included (the listener is private, like /metrics).
type Status struct {
	Instance     string                `json:"instance"`
	Dependencies []app.DependencyState `json:"dependencies"`
}

// StatusHandler serves GET /status from states.
func StatusHandler(instance string, states func() []app.DependencyState) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(Status{Instance: instance, Dependencies: states()})
	})
}
