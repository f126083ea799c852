package handlers

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/webmail/webmail/store"
)

func TestStoreErrorMessages(t *testing.T) {
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
		var ue *UserError
		if !errors.As(storeError(tt.err), &ue) || ue.Status != tt.status || ue.Title != tt.title || !errors.Is(ue, tt.err) {
			t.Errorf("storeError(%v) = %+v, want %d %q", tt.err, ue, tt.status, tt.title)
		}
	}
}
