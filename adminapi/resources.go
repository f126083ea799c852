package adminapi

import (
	"net/http"
	"strconv"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/store"
)

// backendJSON is a backend as the API shows it.
type backendJSON struct {
	Name            string `json:"name"`
	IMAP            string `json:"imap"`
	SMTP            string `json:"smtp"`
	ProxyIMAP       string `json:"proxy_imap"`
	ProxyPOP3       string `json:"proxy_pop3"`
	ProxySubmission string `json:"proxy_submission"`
	Relay           string `json:"relay"`
	UpdatedAt       int64  `json:"updated_at,omitempty"`
}

func toBackendJSON(b store.MailBackend) backendJSON {
	return backendJSON{Name: b.Name, IMAP: b.IMAP, SMTP: b.SMTP, ProxyIMAP: b.ProxyIMAP, ProxyPOP3: b.ProxyPOP3,
		ProxySubmission: b.ProxySubmission, Relay: b.Relay, UpdatedAt: millis(b.UpdatedAt)}
}

// domainJSON is a domain route as the API shows it.
type domainJSON struct {
	Name      string `json:"name"`
	Backend   string `json:"backend"`
	IMAP      string `json:"imap"`
	SMTP      string `json:"smtp"`
	UpdatedAt int64  `json:"updated_at,omitempty"`
}

func toDomainJSON(d store.Domain) domainJSON {
	return domainJSON{Name: d.Name, Backend: d.Backend, IMAP: d.IMAP, SMTP: d.SMTP, UpdatedAt: millis(d.UpdatedAt)}
}

func (s *server) listBackends(r *http.Request, _ app.Actor) (int, any, error) {
	backends, err := s.app.Backends(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := []backendJSON{}
	for _, b := range backends {
		out = append(out, toBackendJSON(b))
	}
	return http.StatusOK, map[string]any{"backends": out}, nil
}

func (s *server) putBackend(r *http.Request, actor app.Actor) (int, any, error) {
	var body backendJSON
	if err := readJSON(r, &body); err != nil {
		return 0, nil, err
	}
	b, err := s.app.SaveBackend(r.Context(), actor, app.BackendInput{Name: r.PathValue("name"), IMAP: body.IMAP, SMTP: body.SMTP,
		ProxyIMAP: body.ProxyIMAP, ProxyPOP3: body.ProxyPOP3, ProxySubmission: body.ProxySubmission, Relay: body.Relay})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toBackendJSON(b), nil
}

func (s *server) deleteBackend(r *http.Request, actor app.Actor) (int, any, error) {
	return http.StatusNoContent, nil, s.app.DeleteBackend(r.Context(), actor, r.PathValue("name"))
}

// healthJSON is one backend's health.
type healthJSON struct {
	Backend string      `json:"backend"`
	Healthy bool        `json:"healthy"`
	Checks  []checkJSON `json:"checks"`
}

type checkJSON struct {
	Service   string  `json:"service"`
	Addr      string  `json:"addr"`
	OK        bool    `json:"ok"`
	Error     string  `json:"error,omitempty"`
	LatencyMS float64 `json:"latency_ms"`
}

func (s *server) backendsHealth(r *http.Request, _ app.Actor) (int, any, error) {
	health, err := s.app.BackendsHealth(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := []healthJSON{}
	for _, h := range health {
		hj := healthJSON{Backend: h.Backend, Healthy: h.Healthy, Checks: []checkJSON{}}
		for _, c := range h.Checks {
			hj.Checks = append(hj.Checks, checkJSON{Service: c.Service, Addr: c.Addr, OK: c.OK, Error: c.Error,
				LatencyMS: float64(c.Latency.Microseconds()) / 1000})
		}
		out = append(out, hj)
	}
	return http.StatusOK, map[string]any{"backends": out}, nil
}

func (s *server) listDomains(r *http.Request, _ app.Actor) (int, any, error) {
	domains, err := s.app.Domains(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := []domainJSON{}
	for _, d := range domains {
		out = append(out, toDomainJSON(d))
	}
	return http.StatusOK, map[string]any{"domains": out}, nil
}

func (s *server) getDomain(r *http.Request, _ app.Actor) (int, any, error) {
	d, err := s.app.Domain(r.Context(), r.PathValue("name"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toDomainJSON(d), nil
}

func (s *server) putDomain(r *http.Request, actor app.Actor) (int, any, error) {
	var body struct {
		Backend string `json:"backend"`
		IMAP    string `json:"imap"`
		SMTP    string `json:"smtp"`
	}
	if err := readJSON(r, &body); err != nil {
		return 0, nil, err
	}
	d, err := s.app.SaveDomain(r.Context(), actor, app.DomainInput{Name: r.PathValue("name"), Backend: body.Backend, IMAP: body.IMAP, SMTP: body.SMTP})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toDomainJSON(d), nil
}

func (s *server) moveDomain(r *http.Request, actor app.Actor) (int, any, error) {
	var body struct {
		Backend string `json:"backend"`
	}
	if err := readJSON(r, &body); err != nil {
		return 0, nil, err
	}
	d, err := s.app.MoveDomain(r.Context(), actor, r.PathValue("name"), body.Backend)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toDomainJSON(d), nil
}

func (s *server) deleteDomain(r *http.Request, actor app.Actor) (int, any, error) {
	return http.StatusNoContent, nil, s.app.DeleteDomain(r.Context(), actor, r.PathValue("name"))
}

// auditJSON is one audit entry.
type auditJSON struct {
	ID     int64  `json:"id"`
	At     int64  `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Target string `json:"target"`
	Detail string `json:"detail"`
}

func (s *server) auditLog(r *http.Request, _ app.Actor) (int, any, error) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	entries, err := s.app.AuditLog(r.Context(), limit)
	if err != nil {
		return 0, nil, err
	}
	out := []auditJSON{}
	for _, e := range entries {
		out = append(out, auditJSON{ID: e.ID, At: e.At.UnixMilli(), Actor: e.Actor, Action: e.Action, Target: e.Target, Detail: e.Detail})
	}
	return http.StatusOK, map[string]any{"entries": out}, nil
}
