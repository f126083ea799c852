package adminapi

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/store"
)

// OpenAPI is the API's OpenAPI 3 document, committed beside the code and
// served at /v1/openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte

// App is what the API asks of the application layer.
type App interface {
	AuthenticateAdmin(ctx context.Context, token string) (app.Actor, error)
	Backends(ctx context.Context) ([]store.MailBackend, error)
	SaveBackend(ctx context.Context, actor app.Actor, in app.BackendInput) (store.MailBackend, error)
	DeleteBackend(ctx context.Context, actor app.Actor, name string) error
	BackendsHealth(ctx context.Context) ([]app.BackendHealth, error)
	Domains(ctx context.Context) ([]store.Domain, error)
	Domain(ctx context.Context, name string) (store.Domain, error)
	SaveDomain(ctx context.Context, actor app.Actor, in app.DomainInput) (store.Domain, error)
	MoveDomain(ctx context.Context, actor app.Actor, name, backend string) (store.Domain, error)
	DeleteDomain(ctx context.Context, actor app.Actor, name string) error
	AuditLog(ctx context.Context, limit int) ([]store.AuditEntry, error)
	UserSessions(ctx context.Context, email string) ([]app.UserSession, error)
	EndUserSessions(ctx context.Context, actor app.Actor, email string) (int, error)
}

// maxBody bounds a request body: the API's bodies are a few hundred bytes.
const maxBody = 64 << 10

// Handler returns the API's routes, every one but the document behind the
// admin token check.
func Handler(a App, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &server{app: a, logger: logger}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(OpenAPI)
	})
	for _, route := range []struct {
		pattern string
		handle  func(*http.Request, app.Actor) (int, any, error)
	}{
		{"GET /v1/backends", s.listBackends},
		{"GET /v1/backends/health", s.backendsHealth},
		{"PUT /v1/backends/{name}", s.putBackend},
		{"DELETE /v1/backends/{name}", s.deleteBackend},
		{"GET /v1/domains", s.listDomains},
		{"GET /v1/domains/{name}", s.getDomain},
		{"PUT /v1/domains/{name}", s.putDomain},
		{"POST /v1/domains/{name}/move", s.moveDomain},
		{"DELETE /v1/domains/{name}", s.deleteDomain},
		{"GET /v1/audit", s.auditLog},
		{"GET /v1/users/{email}/sessions", s.userSessions},
		{"DELETE /v1/users/{email}/sessions", s.endUserSessions},
	} {
		mux.Handle(route.pattern, s.authenticated(route.handle))
	}
	return mux
}

type server struct {
	app    App
	logger *slog.Logger
}

// authenticated checks the bearer token, runs handle and writes its
// answer as JSON.
func (s *server) authenticated(handle func(*http.Request, app.Actor) (int, any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		actor, err := s.app.AuthenticateAdmin(r.Context(), strings.TrimSpace(token))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		status, body, err := handle(r, actor)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, status, body)
	})
}

// errorBody is every error's JSON.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError maps an app error to a status and a safe message; the cause
// is logged, never sent.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := app.AsError(err)
	var badJSON *jsonError
	switch {
	case errors.As(err, &badJSON):
		e = &app.Error{Code: app.CodeInvalid, Message: badJSON.message}
	case e == nil:
		e = &app.Error{Code: app.CodeInternal, Message: "Something went wrong on our side.", Err: err}
	}
	status, code := http.StatusInternalServerError, "internal"
	switch e.Code {
	case app.CodeInvalid:
		status, code = http.StatusBadRequest, "invalid"
	case app.CodeNotFound:
		status, code = http.StatusNotFound, "not_found"
	case app.CodeConflict:
		status, code = http.StatusConflict, "conflict"
	case app.CodeWrongCredentials:
		status, code = http.StatusUnauthorized, "unauthorized"
		w.Header().Set("WWW-Authenticate", `Bearer realm="webmail-admin"`)
	case app.CodeUnavailable:
		status, code = http.StatusServiceUnavailable, "unavailable"
	case app.CodeLimited:
		status, code = http.StatusTooManyRequests, "limited"
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
		}
	case app.CodeTooLarge:
		status, code = http.StatusRequestEntityTooLarge, "too_large"
	case app.CodeMailServer:
		status, code = http.StatusBadGateway, "mail_server"
	}
	message := e.Message
	if message == "" {
		message = "Something went wrong on our side."
	}
	if status >= 500 || status == http.StatusUnauthorized {
		s.logger.WarnContext(r.Context(), "admin api: request refused", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	writeJSON(w, status, errorBody{Error: errorDetail{Code: code, Message: message}})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if body == nil {
		w.WriteHeader(status)
		return
	}
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(body)
}

// jsonError is a request body that is not the JSON expected.
type jsonError struct{ message string }

func (e *jsonError) Error() string { return "adminapi: " + e.message }

// readJSON decodes the body into v, refusing unknown fields so a typo
// ("backnd") is an error rather than a silent default.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &jsonError{message: "The body must be a JSON object with the fields this endpoint documents."}
	}
	return nil
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
