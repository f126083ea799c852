package app

import "context"

// Dependency names a backend this instance needs to serve requests.
type Dependency string

// The dependencies CheckAllDependencies asks, in the order it reports them.
const (
	DependencyDatabase    Dependency = "database"
	DependencySessions    Dependency = "sessions"
	DependencyAttachments Dependency = "attachments"
)

// DependencyCheck is the answer of one dependency: Err is nil when it
// answered. Err is for the logs; it may name hosts and must not be shown.
type DependencyCheck struct {
	Dependency Dependency
	Err        error
}

// Readiness is the outcome of CheckAllDependencies: the checks made, in
// order.
type Readiness struct {
	Checks []DependencyCheck
}

// Failed returns the first dependency that did not answer, if any.
func (r Readiness) Failed() (DependencyCheck, bool) {
	for _, check := range r.Checks {
		if check.Err != nil {
			return check, true
		}
	}
	return DependencyCheck{}, false
}

// dependencyPing asks one dependency whether it answers.
type dependencyPing struct {
	dependency Dependency
	ping       func(context.Context) error
}

// dependencyPings are the checks of CheckAllDependencies, in order.
func (a *App) dependencyPings() []dependencyPing {
	return []dependencyPing{
		{DependencyDatabase, a.DB.Ping},
		{DependencySessions, a.Sessions.Store().Ping},
		{DependencyAttachments, a.Attachments.Ping},
	}
}
