package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// showHealth answers 200 while the process runs (liveness).
func (s *Server) showHealth(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// showReadiness answers 200 only while this instance can serve: not
// draining, and the application's dependencies answer
// (app.CheckDependencies: the database, even with only a replica, the
// session store and the attachment store). The body names what failed,
// without details that would help an attacker; the details go to the log.
func (s *Server) showReadiness(c echo.Context) error {
	if s.draining.Load() {
		return c.String(http.StatusServiceUnavailable, "draining\n")
	}
	ctx, cancel := withTimeout(c.Request().Context(), readyTimeout)
	defer cancel()
	if failed, ok := s.App.CheckDependencies(ctx).Failed(); ok {
		s.Logger.Warn("not ready", "request_id", reqID(c), "check", string(failed.Dependency), "err", failed.Err)
		return c.String(http.StatusServiceUnavailable, string(failed.Dependency)+" unavailable\n")
	}
	return c.String(http.StatusOK, "ready\n")
}
