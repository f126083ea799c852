package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Timing of the event stream.
const (
	// eventsHeartbeat keeps proxies from closing a quiet stream (HAProxy's
	// timeout server must be longer) and checks the session still exists.
	eventsHeartbeat = 20 * time.Second
	// eventsRetry is how long a browser waits before reconnecting; the
	// reconnect may land on any instance.
	eventsRetry = 2 * time.Second
)

// streamEvents is the new-mail push: a Server-Sent Events stream of the
// user's INBOX counts, fed by this instance's IMAP IDLE watcher. Nothing
// about the stream lives outside this request, so after a drain or a crash
// the browser reconnects to any other instance and carries on.
func (s *Server) streamEvents(c echo.Context) error {
	sess := currentSession(c)
	ctx := c.Request().Context()
	watch, err := s.App.WatchMail(ctx, sess)
	if err != nil {
		return err
	}
	defer watch.Stop()

	w := c.Response()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: %d\n\n", eventsRetry.Milliseconds())
	w.Flush()

	heartbeat := time.NewTicker(eventsHeartbeat)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.Draining():
			// The browser reconnects, through the load balancer, to an
			// instance that is not going away.
			return nil
		case <-heartbeat.C:
			// A logged-out session ends the stream.
			if !s.App.SessionAlive(ctx, sess) {
				return nil
			}
			fmt.Fprint(w, ": ping\n\n")
			w.Flush()
		case st, ok := <-watch.Updates:
			if !ok {
				return nil // the mail server refused the password
			}
			data, _ := json.Marshal(st)
			fmt.Fprintf(w, "event: status\ndata: %s\n\n", data)
			w.Flush()
		}
	}
}
