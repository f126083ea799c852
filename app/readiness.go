package app

import "context"

// Dependency names a backend this instance needs to serve requests.
type Dependency string

// The dependencies CheckDependencies asks, in the order it asks them.
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

// Readiness is the outcome of CheckDependencies: the checks made, in
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

// CheckDependencies asks the database, the session store and the
// attachment store whether they answer, in that order, and stops at the
// first that does not: one failure is enough to say the instance cannot
// serve, and a hung backend must not make the caller wait for the others
// too. ctx bounds the whole check.
//
// The database answers while a replica does even if the primary is down
// (store.DB.Ping): reading goes on and writes fail with a clear message.
func (a *App) CheckDependencies(ctx context.Context) Readiness {
	var r Readiness
	for _, p := range a.dependencyPings() {
		err := p.ping(ctx)
		r.Checks = append(r.Checks, DependencyCheck{Dependency: p.dependency, Err: err})
		if err != nil {
			break
		}
	}
	return r
}

// dependencyPing asks one dependency whether it answers.
type dependencyPing struct {
	dependency Dependency
	ping       func(context.Context) error
}

// dependencyPings are the checks of CheckDependencies and
// CheckAllDependencies, in order.
func (a *App) dependencyPings() []dependencyPing {
	return []dependencyPing{
		{DependencyDatabase, a.DB.Ping},
		{DependencySessions, a.Sessions.Store().Ping},
		{DependencyAttachments, a.Attachments.Ping},
	}
}
