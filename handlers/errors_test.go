package handlers

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/store"
)

// TestStoreErrorMessages: a store error that reaches the error handler
// without an application error (app.DependencyError maps it) is shown with
// the status and title the user must see.
func TestStoreErrorMessages(t *testing.T) {
	s := &Server{Deps: Deps{Logger: slog.New(slog.DiscardHandler)}}
	c := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/settings", nil), httptest.NewRecorder())
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		err    error
		status int
		title  string
	}{
		{fmt.Errorf("store: save: %w", store.ErrUnavailable), http.StatusServiceUnavailable, "Saving is unavailable right now"},
		{fmt.Errorf("store: save: %w", refused), http.StatusServiceUnavailable, "Saving is unavailable right now"},
		{fmt.Errorf("store: contact 3: %w", store.ErrNotFound), http.StatusNotFound, "Not found"},
		{errors.New("store: syntax error"), http.StatusInternalServerError, "Something went wrong"},
	}
	for _, tt := range tests {
		ue := s.userError(c, tt.err)
		if ue == nil || ue.Status != tt.status || ue.Title != tt.title || !errors.Is(ue, tt.err) {
			t.Errorf("storeError(%v) = %+v, want %d %q", tt.err, ue, tt.status, tt.title)
		}
	}
}
