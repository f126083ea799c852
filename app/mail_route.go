package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/webmail/webmail/app/loginlimit"
	"github.com/webmail/webmail/mail"
)

// MailProtocol is a protocol the front mail proxy serves.
type MailProtocol string

// The protocols of nginx's mail proxy.
const (
	ProtocolIMAP MailProtocol = "imap"
	ProtocolPOP3 MailProtocol = "pop3"
	ProtocolSMTP MailProtocol = "smtp" // submission
)

// MailLoginInput is a login a mail client made to the front proxy, which
// asks where to send it.
type MailLoginInput struct {
	Protocol MailProtocol
	Username string
	Password string
	ClientIP string // the mail client's address, for the per-address limit
	// CheckFirst checks the password against the backend before routing;
	// otherwise the backend answers a wrong password itself and the check
	// runs beside it, only to count failures (see RouteMailLogin).
	CheckFirst bool
}

// MailLoginResult is where the proxy sends the login.
type MailLoginResult struct {
	Backend string         // the backend's name, for logs
	Addr    netip.AddrPort // nginx accepts only an address, never a name
}

// routeTable is what RouteMailLogin and RelayTarget need of the router:
// the per-domain table itself, since the front hosts serve listed domains
// only.
type routeTable interface {
	DomainRoute(domain string) (mail.Route, bool)
}

// RouteMailLogin decides where the front proxy sends a mail client's
// login, applying the same cluster-wide login limits as the web login, so
// guessing through the proxy is limited like guessing through the web.
//
// Every attempt is counted before anything else (as LogIn does), then
// routed. With CheckFirst, or for SMTP submission (nginx authenticates the
// client itself and hands the backend only the user name, over XCLIENT),
// the password is checked against the backend's IMAP before the answer: a
// wrong one is CodeWrongCredentials. Otherwise the answer goes out at once
// and the backend refuses a wrong password to the client; the same check
// runs beside it only to settle the count, so the proxy adds no round trip
// to a login. Errors: CodeInvalid, CodeLimited (RetryAfter), CodeNotFound
// (no backend serves this login through the proxy), CodeWrongCredentials,
// CodeUnavailable.
func (a *App) RouteMailLogin(ctx context.Context, in MailLoginInput) (MailLoginResult, error) {
	username := strings.TrimSpace(in.Username)
	if username == "" || in.Password == "" || len(username) > 320 || len(in.Password) > 1024 ||
		!utf8.ValidString(username) || strings.ContainsAny(username, "\r\n\x00 ") || strings.ContainsAny(in.Password, "\r\n\x00") {
		return MailLoginResult{}, Invalid("Sign in", msgWrongCredentials)
	}
	// Mail clients have no device cookie: a login through the proxy is
	// always from an unknown device, held like one by the slow-down.
	limited := loginlimit.Login{IP: in.ClientIP, Username: username}
	if wait := a.loginLimiter.Wait(ctx, limited); wait > 0 {
		return MailLoginResult{}, a.loginLimited(ctx, username, in.ClientIP, wait)
	}
	// A pair verified lately, or being checked now, is not counted again
	// (see verifiedLogins). Never for submission: nginx makes its backend
	// trust our answer, so every one is checked.
	memo := in.Protocol != ProtocolSMTP
	digest := a.verified.digest(username, in.Password)
	if memo && !a.verified.claim(digest) {
		return a.routeOnly(ctx, username, in.Protocol)
	}
	settled := false
	defer func() {
		if memo && !settled {
			a.verified.done(digest, false)
		}
	}()
	attempt, wait, hold := a.loginLimiter.Reserve(ctx, limited)
	if wait > 0 {
		return MailLoginResult{}, a.loginLimited(ctx, username, in.ClientIP, wait)
	}
	// nginx waits for the answer meanwhile (auth_http_timeout, 60 s by
	// default, is far above the limits' MaxDelay).
	if err := a.holdLogin(ctx, username, in.ClientIP, hold); err != nil {
		return MailLoginResult{}, err
	}
	route, target, err := a.proxyTarget(username, in.Protocol)
	if err != nil {
		// Not a guess at a password: nobody's mailbox is behind it.
		a.loginLimiter.Release(ctx, attempt)
		return MailLoginResult{}, err
	}
	addr, err := resolveAddrPort(ctx, target)
	if err != nil {
		a.loginLimiter.Release(ctx, attempt)
		return MailLoginResult{}, unavailableBackend(err)
	}
	result := MailLoginResult{Backend: route.Proxy.Backend, Addr: addr}
	settle := func(ctx context.Context) error {
		err := a.checkMailPassword(ctx, route.IMAP, username, in.Password)
		if memo {
			a.verified.done(digest, err == nil)
		}
		switch {
		case err == nil:
			a.loginLimiter.Release(ctx, attempt)
			a.loginLimiter.Clear(ctx, limited)
		case AsError(err).Code == CodeWrongCredentials:
			a.Logger.InfoContext(ctx, "mail login failed", "protocol", in.Protocol, "user", username, "client_ip", in.ClientIP, "backend", result.Backend)
		default:
			a.loginLimiter.Release(ctx, attempt)
			a.Logger.WarnContext(ctx, "mail login: backend unavailable for the password check", "backend", result.Backend, "err", err)
		}
		return err
	}
	settled = true // settle ends the check from here on
	if in.CheckFirst || in.Protocol == ProtocolSMTP {
		if err := settle(ctx); err != nil {
			return MailLoginResult{}, err
		}
		return result, nil
	}
	// The request ends when nginx has its answer; the count is settled
	// afterwards, bounded so a hung backend cannot pile up goroutines.
	go func() {
		bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_ = settle(bg)
	}()
	return result, nil
}

// routeOnly answers without counting or checking: for a pair verified
// lately or being checked now.
func (a *App) routeOnly(ctx context.Context, username string, protocol MailProtocol) (MailLoginResult, error) {
	route, target, err := a.proxyTarget(username, protocol)
	if err != nil {
		return MailLoginResult{}, err
	}
	addr, err := resolveAddrPort(ctx, target)
	if err != nil {
		return MailLoginResult{}, unavailableBackend(err)
	}
	return MailLoginResult{Backend: route.Proxy.Backend, Addr: addr}, nil
}

// proxyTarget finds the backend address of the login's domain for the
// protocol.
func (a *App) proxyTarget(username string, protocol MailProtocol) (mail.Route, string, error) {
	table, ok := a.Router.(routeTable)
	if !ok {
		return mail.Route{}, "", errNotRouted(username, "no domain table")
	}
	at := strings.LastIndexByte(username, '@')
	if at < 0 {
		return mail.Route{}, "", errNotRouted(username, "no domain in the login")
	}
	route, ok := table.DomainRoute(username[at+1:])
	if !ok {
		return mail.Route{}, "", errNotRouted(username, "domain not in the table")
	}
	var target string
	switch protocol {
	case ProtocolIMAP:
		target = route.Proxy.IMAP
	case ProtocolPOP3:
		target = route.Proxy.POP3
	case ProtocolSMTP:
		target = route.Proxy.Submission
	}
	if target == "" {
		return mail.Route{}, "", errNotRouted(username, fmt.Sprintf("backend %q has no %s address for the proxy", route.Proxy.Backend, protocol))
	}
	return route, target, nil
}

func unavailableBackend(err error) *Error {
	return &Error{Code: CodeUnavailable, Title: "Mail server unavailable",
		Message: "The mail server is not answering right now. Please try again in a minute.", Err: err}
}

func errNotRouted(username, why string) *Error {
	return &Error{Code: CodeNotFound, Title: "Sign in", Message: msgWrongCredentials,
		Err: fmt.Errorf("app: mail login %s: %s", username, why)}
}

// checkMailPassword logs in to the backend's IMAP and out again. No pool:
// the connection is of no use to this instance afterwards.
func (a *App) checkMailPassword(ctx context.Context, imap mail.Endpoint, username, password string) error {
	client, err := mail.DialIMAP(ctx, imap, username, password, a.IMAPOptions)
	switch {
	case errors.Is(err, mail.ErrAuthFailed):
		return wrongCredentials(err)
	case err != nil:
		return &Error{Code: CodeUnavailable, Title: "Mail server unavailable",
			Message: "The mail server is not answering right now. Please try again in a minute.", Err: err}
	}
	client.Close()
	return nil
}

// RelayTarget returns the host:port the front Postfix relays mail for
// domain to, or false when no backend takes mail for it through the front
// hosts.
func (a *App) RelayTarget(domain string) (string, bool) {
	table, ok := a.Router.(routeTable)
	if !ok {
		return "", false
	}
	route, ok := table.DomainRoute(domain)
	if !ok || route.Proxy.Relay == "" {
		return "", false
	}
	return route.Proxy.Relay, true
}

// resolveAddrPort turns host:port into an address: nginx's auth_http
// answer must name an IP address.
func resolveAddrPort(ctx context.Context, hostPort string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(hostPort); err == nil {
		return ap, nil
	}
	host, port, err := net.SplitHostPort(hostPort)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("app: proxy address %q: %w", hostPort, err)
	}
	portNum, err := net.LookupPort("tcp", port)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("app: proxy address %q: %w", hostPort, err)
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return netip.AddrPort{}, fmt.Errorf("app: proxy address %q: %w", hostPort, err)
	}
	return netip.AddrPortFrom(addrs[0].Unmap(), uint16(portNum)), nil
}
