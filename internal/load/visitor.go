package load

import (
	"context"
	"strings"
	"time"
)

// Visitor is one browser signed in through the login form, for
// measurements other than the driver's (idle sessions).
type Visitor struct {
	w *worker
}

// SignIn logs user in through baseURL's login form, as a browser does,
// and keeps the session's cookies.
func SignIn(ctx context.Context, baseURL string, user User) (*Visitor, error) {
	cfg := Config{BaseURL: strings.TrimRight(baseURL, "/"), Timeout: 30 * time.Second}
	w := &worker{cfg: cfg, user: user, web: newWebClient(cfg.Timeout)}
	if _, err := w.signIn(ctx); err != nil {
		return nil, err
	}
	w.web.CloseIdleConnections()
	return &Visitor{w: w}, nil
}

// Open loads a page with the visitor's session; any answer but 200 is an
// error.
func (v *Visitor) Open(ctx context.Context, path string) error {
	_, err := v.w.get(ctx, path)
	return err
}
