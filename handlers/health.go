package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// showHealth answers 200 while the process runs (liveness).
func (s *Server) showHealth(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// showReadiness answers 503 only for what is wrong with this instance and
// that another instance would not share: it is draining, or the database
// schema is older than it needs (app.CheckInstance). A shared dependency
// that is down (the session store, the database primary, the attachment
// store, a mail server) is down for every instance: answering 503 for it
// would take every instance out of the load balancer at once and replace
// our pages, which tell users what still works, with the balancer's bare
// one. Those outages are reported on the status listener, in metrics and
// in the log (app.WatchDependencies) instead. Not being up yet is the
// other per-instance case: the listener opens only once the instance can
// serve.
func (s *Server) showReadiness(c echo.Context) error {
	if s.draining.Load() {
		return c.String(http.StatusServiceUnavailable, "draining\n")
	}
	ctx, cancel := withTimeout(c.Request().Context(), readyTimeout)
	defer cancel()
	if err := s.App.CheckInstance(ctx); err != nil {
		s.Logger.Warn("not ready", "request_id", reqID(c), "check", "schema", "err", err)
		return c.String(http.StatusServiceUnavailable, "schema outdated\n")
	}
	return c.String(http.StatusOK, "ready\n")
}
