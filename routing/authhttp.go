package routing

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/webmail/webmail/app"
)

// Decider is what the routing service asks the application layer.
type Decider interface {
	RouteMailLogin(ctx context.Context, in app.MailLoginInput) (app.MailLoginResult, error)
	RelayTarget(domain string) (string, bool)
}

// Options tune the routing service.
type Options struct {
	// CheckFirst checks passwords before answering nginx; false lets the
	// backend answer a wrong password (SMTP is always checked: nginx hands
	// the backend only the user name).
	CheckFirst bool
	// FailureWait is nginx's Auth-Wait after a refused login: the client
	// hears the refusal that much later and may retry on the connection.
	FailureWait time.Duration
	Logger      *slog.Logger
}

// authHTTP answers nginx's mail auth_http requests
// (https://nginx.org/en/docs/mail/ngx_mail_auth_http_module.html).
type authHTTP struct {
	decider Decider
	opts    Options
}

// Messages nginx passes on to the mail client.
const (
	statusWrongPassword = "Invalid login or password"
	statusTemporary     = "Temporary server problem, try again later"
)

func (h *authHTTP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	in := app.MailLoginInput{
		Protocol:   app.MailProtocol(strings.ToLower(r.Header.Get("Auth-Protocol"))),
		Username:   unescape(r.Header.Get("Auth-User")),
		Password:   unescape(r.Header.Get("Auth-Pass")),
		ClientIP:   r.Header.Get("Client-IP"),
		CheckFirst: h.opts.CheckFirst,
	}
	// Only methods that show us the password: with CRAM-MD5 or APOP the
	// limits could not tell a wrong password from a right one.
	switch method := strings.ToLower(r.Header.Get("Auth-Method")); method {
	case "plain", "login":
	default:
		h.refuse(w, in.Protocol, statusWrongPassword, "535 5.7.8", 0)
		h.opts.Logger.InfoContext(r.Context(), "auth_http: refused authentication method", "method", method)
		return
	}
	result, err := h.decider.RouteMailLogin(r.Context(), in)
	if err == nil {
		w.Header().Set("Auth-Status", "OK")
		w.Header().Set("Auth-Server", result.Addr.Addr().String())
		w.Header().Set("Auth-Port", strconv.Itoa(int(result.Addr.Port())))
		w.WriteHeader(http.StatusOK)
		return
	}
	e := app.AsError(err)
	if e == nil {
		e = &app.Error{Code: app.CodeInternal, Err: err}
	}
	switch e.Code {
	case app.CodeLimited:
		// The limit's own message ("Try again in N minutes"); no
		// Auth-Wait, so nginx closes the connection.
		h.refuse(w, in.Protocol, e.Message, "454 4.7.0", 0)
	case app.CodeWrongCredentials, app.CodeInvalid, app.CodeNotFound:
		h.refuse(w, in.Protocol, statusWrongPassword, "535 5.7.8", h.opts.FailureWait)
	default:
		h.opts.Logger.ErrorContext(r.Context(), "auth_http: cannot route the login", "protocol", in.Protocol, "err", err)
		h.refuse(w, in.Protocol, statusTemporary, "451 4.3.0", h.opts.FailureWait)
	}
}

// refuse answers a refused login; nginx reads only the headers.
func (h *authHTTP) refuse(w http.ResponseWriter, protocol app.MailProtocol, status, smtpCode string, wait time.Duration) {
	w.Header().Set("Auth-Status", status)
	if protocol == app.ProtocolSMTP {
		w.Header().Set("Auth-Error-Code", smtpCode)
	}
	if wait > 0 {
		w.Header().Set("Auth-Wait", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	}
	w.WriteHeader(http.StatusOK)
}

// unescape undoes nginx's escaping of Auth-User and Auth-Pass (%XX for
// spaces, percent signs and control characters). A value that does not
// unescape is used as it came.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
