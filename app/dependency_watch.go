package app

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Shared dependencies (the database, the session store, the attachment
// store) are the same for every instance: when one is down, it is down for
// all of them, and taking instances out of the load balancer cannot help;
// it would only replace our pages, which say what still works, with the
// balancer's bare error. So they never make an instance unready
// (CheckInstance); WatchDependencies watches them instead, for operators:
// the log says when one goes down and comes back, the status listener and
// the metrics show the latest answer, and pages that need one say so
// (SessionsDown).

// What users read while the session store is down: on the login page, and
// on every page that needs their session. Nobody can be signed in or
// recognised, but nothing is lost: sessions come back with the store (or
// users sign in again), and a message being written stays in the browser.
const (
	SignInUnavailableTitle = "Sign-in is unavailable"
	SignInUnavailable      = "Signing in is unavailable right now. Please try again in a minute; nothing you typed is lost."
)

// DependencyState is the latest answer of one shared dependency, for
// operators (the status listener, metrics, logs). Error may name hosts:
// it is never shown to users.
type DependencyState struct {
	Dependency Dependency `json:"name"`
	Up         bool       `json:"up"`
	Error      string     `json:"error,omitempty"`
	// Since is when the dependency last went up or down (or was first
	// checked); Checked is when it last answered or failed.
	Since   time.Time `json:"since"`
	Checked time.Time `json:"checked"`
}

// dependencyStates holds the answers WatchDependencies collects.
type dependencyStates struct {
	mu     sync.Mutex
	states []DependencyState // in the order of dependencyPings
}

// dependencyCheckTimeout bounds one dependency's answer in a watch round.
const dependencyCheckTimeout = 2 * time.Second

// CheckAllDependencies asks every shared dependency at once, each bounded
// by dependencyCheckTimeout, and returns every answer in order: it does
// not stop at the first failure, as operators want to see all that is
// down, and a hung dependency does not hold up the others.
func (a *App) CheckAllDependencies(ctx context.Context) Readiness {
	pings := a.dependencyPings()
	checks := make([]DependencyCheck, len(pings))
	var wg sync.WaitGroup
	for i, p := range pings {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pingCtx, cancel := context.WithTimeout(ctx, dependencyCheckTimeout)
			defer cancel()
			checks[i] = DependencyCheck{Dependency: p.dependency, Err: p.ping(pingCtx)}
		}()
	}
	wg.Wait()
	return Readiness{Checks: checks}
}

// WatchDependencies checks the shared dependencies every interval until
// ctx ends, keeps the answers for DependencyStates, and logs each change:
// a warning when one stops answering, a notice when it is back.
func (a *App) WatchDependencies(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		a.recordDependencies(a.CheckAllDependencies(ctx), time.Now())
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// recordDependencies stores one round of answers and logs the changes.
func (a *App) recordDependencies(r Readiness, now time.Time) {
	a.dependencies.mu.Lock()
	defer a.dependencies.mu.Unlock()
	previous := map[Dependency]DependencyState{}
	for _, s := range a.dependencies.states {
		previous[s.Dependency] = s
	}
	states := make([]DependencyState, 0, len(r.Checks))
	for _, check := range r.Checks {
		s := DependencyState{Dependency: check.Dependency, Up: check.Err == nil, Since: now, Checked: now}
		if check.Err != nil {
			s.Error = check.Err.Error()
		}
		before, known := previous[check.Dependency]
		switch {
		case known && before.Up == s.Up:
			s.Since = before.Since
		case !s.Up:
			a.Logger.Warn("shared dependency down; instances stay in rotation and tell users what does not work",
				"dependency", string(check.Dependency), "err", check.Err)
		case known:
			a.Logger.Info("shared dependency back", "dependency", string(check.Dependency),
				"down_for", now.Sub(before.Since).Round(time.Millisecond).String())
		}
		states = append(states, s)
	}
	a.dependencies.states = states
}

// DependencyStates returns the latest answer of every shared dependency,
// in order; none before WatchDependencies' first round.
func (a *App) DependencyStates() []DependencyState {
	a.dependencies.mu.Lock()
	defer a.dependencies.mu.Unlock()
	return append([]DependencyState(nil), a.dependencies.states...)
}

// SessionsDown reports whether the latest check found the session store
// down, so the login page can say at once that signing in is unavailable.
// Unknown (no check yet) is not down.
func (a *App) SessionsDown() bool {
	for _, s := range a.DependencyStates() {
		if s.Dependency == DependencySessions {
			return !s.Up
		}
	}
	return false
}

// CheckInstance returns what makes this instance, and not the others,
// unfit to serve: for now a database schema older than this binary needs
// (restored from an old backup, or migrate not run yet). A newer schema is
// fine: migrations only expand (migrations/README.md), so during a rolling
// upgrade this release serves on the next one's schema. A database that
// does not answer is a shared outage, not this instance's: nil.
func (a *App) CheckInstance(ctx context.Context) error {
	current, latest, err := a.DB.SchemaVersion(ctx)
	if err != nil {
		return nil
	}
	if current < latest {
		return fmt.Errorf("app: database schema at version %d, this binary needs %d (webmail migrate)", current, latest)
	}
	return nil
}
