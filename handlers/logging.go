package handlers

import (
	"context"
	"log/slog"

	"github.com/labstack/echo/v4"
)

// requestIDKey carries the request ID in a request's context.Context, so
// that any package logging with that context (slog's *Context methods)
// gets the ID onto its line through LogHandler.
type requestIDKey struct{}

// RequestID returns the request ID ctx carries, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestContext copies the request ID into the request's context. It runs
// right after requestID.
func requestContext(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		c.SetRequest(req.WithContext(context.WithValue(req.Context(), requestIDKey{}, reqID(c))))
		return next(c)
	}
}

// log returns the server's logger with the request's ID on every line.
func (s *Server) log(c echo.Context) *slog.Logger {
	return s.Logger.With("request_id", reqID(c))
}

// LogHandler wraps h so that a record logged with a request's context
// carries the request's ID, unless the line names one already.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ slog.Handler }

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" && !hasRequestID(r) {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{h.Handler.WithAttrs(attrs)}
}

func (h logHandler) WithGroup(name string) slog.Handler {
	return logHandler{h.Handler.WithGroup(name)}
}

func hasRequestID(r slog.Record) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == "request_id"
		return !found
	})
	return found
}
