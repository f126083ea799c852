package adminapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/webmail/webmail/adminapi"
	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// api is the provisioning API over a fresh SQLite database, with every
// response checked against the OpenAPI document by kin-openapi.
type api struct {
	t        *testing.T
	sessions *session.Manager
	srv      *httptest.Server
	app      *app.App
	db       *store.DB
	router   routers.Router
}

func newAPI(t *testing.T) *api {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(t.TempDir(), "webmail.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sealer, err := session.NewSealer("adminapi-test-secret-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	sessions := session.NewManager(session.NewSQL(db), sealer, time.Hour, 12*time.Hour)
	a := app.New(app.Deps{DB: db, Sessions: sessions})
	srv := httptest.NewServer(adminapi.Handler(a, nil))
	t.Cleanup(srv.Close)
	doc := loadDocument(t)
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &api{t: t, srv: srv, app: a, db: db, router: router, sessions: sessions}
}

// loadDocument parses and validates the committed OpenAPI document.
func loadDocument(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(adminapi.OpenAPI)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3 document: %v", err)
	}
	return doc
}

// call sends a request and checks the response against the document: the
// status must be documented for the operation and the body must match its
// schema.
func (a *api) call(method, path, token string, body any) (int, map[string]any) {
	a.t.Helper()
	var reader io.Reader
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
		reader = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, a.srv.URL+path, reader)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	respBody, _ := io.ReadAll(resp.Body)
	route, pathParams, err := a.router.FindRoute(req)
	if err != nil {
		a.t.Fatalf("%s %s: not in the OpenAPI document: %v", method, path, err)
	}
	if raw != nil {
		req.Body = io.NopCloser(bytes.NewReader(raw))
	}
	input := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(respBody)), Options: &openapi3filter.Options{IncludeResponseStatus: true},
	})
	if err != nil {
		a.t.Fatalf("%s %s: %d response does not match the OpenAPI document: %v\n%s", method, path, resp.StatusCode, err, respBody)
	}
	var decoded map[string]any
	_ = json.Unmarshal(respBody, &decoded)
	return resp.StatusCode, decoded
}

// TestTokens: the API refuses a missing, malformed, unknown or revoked
// token with 401 on every documented operation, and accepts a valid one.
func TestTokens(t *testing.T) {
	a := newAPI(t)
	ctx := context.Background()
	token, tok, err := a.app.CreateAdminToken(ctx, app.ActorCLI, "control panel")
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := a.app.CreateAdminToken(ctx, app.ActorCLI, "script")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := a.db.AdminTokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stored {
		if strings.Contains(s.Hash, token) || s.Hash == token || len(s.Hash) != 64 {
			t.Fatalf("token stored as %q, want its SHA-256 only", s.Hash)
		}
	}
	doc := loadDocument(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			concrete := strings.NewReplacer("{name}", "example.com", "{email}", "ann@example.com").Replace(path)
			if op.Security != nil && len(*op.Security) == 0 {
				if status, _ := a.call(method, concrete, "", nil); status != http.StatusOK {
					t.Errorf("%s %s (public) answered %d", method, concrete, status)
				}
				continue
			}
			for _, bad := range []string{"", "nonsense", "wma_" + strings.Repeat("A", 43)} {
				if status, body := a.call(method, concrete, bad, nil); status != http.StatusUnauthorized {
					t.Errorf("%s %s with token %q answered %d %v, want 401", method, concrete, bad, status, body)
				}
			}
		}
	}
	if status, _ := a.call("GET", "/v1/domains", token, nil); status != http.StatusOK {
		t.Fatalf("valid token refused: %d", status)
	}
	if err := a.app.RevokeAdminToken(ctx, app.ActorCLI, tok.ID); err != nil {
		t.Fatal(err)
	}
	if status, _ := a.call("GET", "/v1/domains", token, nil); status != http.StatusUnauthorized {
		t.Fatalf("revoked token answered %d, want 401", status)
	}
	if status, _ := a.call("GET", "/v1/domains", other, nil); status != http.StatusOK {
		t.Fatalf("revoking one token refused another: %d", status)
	}
}

// TestProvisioning: backends and domains through the API, each answer as
// documented, every change in the audit log with the token's name.
func TestProvisioning(t *testing.T) {
	a := newAPI(t)
	token, _, err := a.app.CreateAdminToken(context.Background(), app.ActorCLI, "panel")
	if err != nil {
		t.Fatal(err)
	}
	// One backend that answers (a greeting server) and one that does not.
	greeter, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer greeter.Close()
	go func() {
		for {
			c, err := greeter.Accept()
			if err != nil {
				return
			}
			io.WriteString(c, "* OK ready\r\n")
			c.Close()
		}
	}()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()

	status, body := a.call("PUT", "/v1/backends/mx1", token, map[string]string{"imap": "imaps://mx1.example.com:993", "proxy_imap": greeter.Addr().String()})
	if status != http.StatusOK || body["name"] != "mx1" {
		t.Fatalf("put backend: %d %v", status, body)
	}
	if status, _ := a.call("PUT", "/v1/backends/mx2", token, map[string]string{"imap": "imap://mx2.example.com", "proxy_imap": closedAddr, "relay": closedAddr}); status != http.StatusOK {
		t.Fatalf("put backend mx2: %d", status)
	}
	for _, bad := range []map[string]string{{"imap": "http://x"}, {"imap": "imap://x", "relay": "no-port"}, {"imap": "imap://x", "backnd": "typo"}} {
		if status, body := a.call("PUT", "/v1/backends/mx3", token, bad); status != http.StatusBadRequest {
			t.Errorf("bad backend %v: %d %v", bad, status, body)
		}
	}
	if status, body := a.call("PUT", "/v1/domains/example.com", token, map[string]string{"backend": "mx1"}); status != http.StatusOK || body["backend"] != "mx1" {
		t.Fatalf("put domain: %d %v", status, body)
	}
	if status, _ := a.call("PUT", "/v1/domains/example.org", token, map[string]string{"backend": "nowhere"}); status != http.StatusBadRequest {
		t.Fatalf("domain on a missing backend: %d", status)
	}
	if status, body := a.call("POST", "/v1/domains/example.com/move", token, map[string]string{"backend": "mx2"}); status != http.StatusOK || body["backend"] != "mx2" {
		t.Fatalf("move: %d %v", status, body)
	}
	if status, _ := a.call("POST", "/v1/domains/example.net/move", token, map[string]string{"backend": "mx2"}); status != http.StatusNotFound {
		t.Fatalf("move of a missing domain: %d", status)
	}
	if status, _ := a.call("DELETE", "/v1/backends/mx2", token, nil); status != http.StatusConflict {
		t.Fatalf("delete of a backend in use: %d", status)
	}
	status, body = a.call("GET", "/v1/backends/health", token, nil)
	if status != http.StatusOK {
		t.Fatalf("health: %d", status)
	}
	healthy := map[string]bool{}
	for _, b := range body["backends"].([]any) {
		m := b.(map[string]any)
		healthy[m["backend"].(string)] = m["healthy"].(bool)
	}
	if !healthy["mx1"] || healthy["mx2"] {
		t.Fatalf("health %v, want mx1 healthy and mx2 not", healthy)
	}
	status, body = a.call("GET", "/v1/domains/example.com", token, nil)
	if status != http.StatusOK || body["backend"] != "mx2" {
		t.Fatalf("get domain: %d %v", status, body)
	}
	if status, _ := a.call("DELETE", "/v1/domains/example.com", token, nil); status != http.StatusNoContent {
		t.Fatalf("delete domain: %d", status)
	}
	if status, _ := a.call("DELETE", "/v1/backends/mx2", token, nil); status != http.StatusNoContent {
		t.Fatalf("delete backend: %d", status)
	}
	status, body = a.call("GET", "/v1/audit?limit=50", token, nil)
	if status != http.StatusOK {
		t.Fatalf("audit: %d", status)
	}
	var actions []string
	for _, e := range body["entries"].([]any) {
		m := e.(map[string]any)
		if !strings.Contains(m["actor"].(string), "panel") && m["actor"] != "cli" {
			t.Errorf("audit actor %q", m["actor"])
		}
		actions = append(actions, m["action"].(string)+" "+m["target"].(string))
	}
	want := []string{"backend.delete mx2", "domain.delete example.com", "domain.move example.com", "domain.save example.com", "backend.save mx2", "backend.save mx1"}
	if strings.Join(actions[:len(want)], ", ") != strings.Join(want, ", ") {
		t.Fatalf("audit log %q, want it to start with %q", actions, want)
	}
}

// TestUserSessionsAPI: an admin lists a user's sessions (never their IDs)
// and ends them; the browsers' sessions no longer load, another user's
// do, and the audit log says who did it.
func TestUserSessionsAPI(t *testing.T) {
	a := newAPI(t)
	ctx := context.Background()
	token, _, err := a.app.CreateAdminToken(ctx, app.ActorCLI, "helpdesk")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for range 2 {
		s, err := a.sessions.Create(ctx, "ann@example.com", "pw-123456")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	other, err := a.sessions.Create(ctx, "bob@example.com", "pw-123456")
	if err != nil {
		t.Fatal(err)
	}
	status, body := a.call("GET", "/v1/users/Ann@example.com/sessions", token, nil)
	listed, _ := body["sessions"].([]any)
	if status != http.StatusOK || len(listed) != 2 {
		t.Fatalf("list: %d %v", status, body)
	}
	raw, _ := json.Marshal(body)
	for _, id := range ids {
		if strings.Contains(string(raw), id) {
			t.Fatal("the session list shows a session ID")
		}
	}
	status, body = a.call("DELETE", "/v1/users/ann@example.com/sessions", token, nil)
	if status != http.StatusOK || body["ended"] != float64(2) {
		t.Fatalf("end: %d %v", status, body)
	}
	for _, id := range ids {
		if _, err := a.sessions.Load(ctx, id); !session.IsNotFound(err) {
			t.Fatalf("an ended session still loads: %v", err)
		}
	}
	if _, err := a.sessions.Load(ctx, other.ID); err != nil {
		t.Fatalf("another user's session ended: %v", err)
	}
	if status, body := a.call("GET", "/v1/users/ann@example.com/sessions", token, nil); status != http.StatusOK || len(body["sessions"].([]any)) != 0 {
		t.Fatalf("after ending: %d %v", status, body)
	}
	entries, err := a.app.AuditLog(ctx, 1)
	if err != nil || len(entries) != 1 || entries[0].Action != "sessions.end" || !strings.Contains(entries[0].Actor, "helpdesk") {
		t.Fatalf("audit: %+v %v", entries, err)
	}
}
