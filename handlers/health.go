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
// draining, and the database, session store and attachment store answer.
// The database answers while a replica does even if the primary is down
// (store.DB.Ping): reading goes on and writes fail with a clear message,
// whereas a 503 from every instance would leave the load balancer with
// none. The body says what failed, without details that would help an
// attacker.
func (s *Server) showReadiness(c echo.Context) error {
	if s.draining.Load() {
		return c.String(http.StatusServiceUnavailable, "draining\n")
	}
	ctx, cancel := withTimeout(c.Request().Context(), readyTimeout)
	defer cancel()
	checks := []struct {
		name string
		ping func() error
	}{
		{"database", func() error { return s.DB.Ping(ctx) }},
		{"sessions", func() error { return s.Sessions.Store().Ping(ctx) }},
		{"attachments", func() error { return s.Attachments.Ping(ctx) }},
	}
	for _, check := range checks {
		if err := check.ping(); err != nil {
			s.Logger.Warn("not ready", "request_id", reqID(c), "check", check.name, "err", err)
			return c.String(http.StatusServiceUnavailable, check.name+" unavailable\n")
		}
	}
	return c.String(http.StatusOK, "ready\n")
}
