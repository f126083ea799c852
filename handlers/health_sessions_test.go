package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/handlers"
	"github.com/webmail/webmail/session"
)

// TestSessionStoreDown: with the session store unreachable (a Redis client
// of a port nothing listens on), /readyz stays 200 (the outage is every
// instance's: the load balancer must keep them), and a signed-in page is
// our own styled 503 page saying that signing in is unavailable, with
// Retry-After; the login form says so too.
func TestSessionStoreDown(t *testing.T) {
	deps, _ := testDeps(t, "127.0.0.1:1")
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	t.Cleanup(func() { client.Close() })
	sealer, err := session.NewSealer("handlers-test-secret-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	deps.Sessions = session.NewManager(session.NewRedis(client, "t:"), sealer, time.Hour, 12*time.Hour)
	// The application as serve runs it: watching the shared dependencies.
	a := app.New(deps.Deps)
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	go a.WatchDependencies(ctx, 50*time.Millisecond)
	deps.HTTP.Logger, deps.HTTP.App = deps.Logger, a
	hs := httptest.NewServer(handlers.NewServer(deps.HTTP).Routes())
	t.Cleanup(hs.Close)

	resp, err := http.Get(hs.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz with the session store down = %d, want 200 (a shared outage)", resp.StatusCode)
	}

	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/mail/INBOX", nil)
	req.AddCookie(&http.Cookie{Name: session.CookieName, Value: session.NewID()})
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(page, `data-testid="error-page"`) || !strings.Contains(page, app.SignInUnavailableTitle) ||
		!strings.Contains(page, app.SignInUnavailable) || !strings.Contains(page, `rel="stylesheet"`) {
		t.Errorf("a signed-in page with the session store down = %d (Retry-After %q), want our styled 503 page saying sign-in is unavailable:\n%.600s",
			resp.StatusCode, resp.Header.Get("Retry-After"), page)
	}

	// The login form says so before anyone types a password, once the
	// watch has seen the store down.
	deadline := time.Now().Add(10 * time.Second)
	for !a.SessionsDown() {
		if time.Now().After(deadline) {
			t.Fatal("the watch never saw the session store down")
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, err = http.Get(hs.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), app.SignInUnavailable) || !strings.Contains(string(body), `name="username"`) {
		t.Errorf("GET /login with the session store down = %d, want the form saying sign-in is unavailable:\n%.600s", resp.StatusCode, body)
	}
}
