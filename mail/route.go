package mail

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
)

// ErrNoRoute reports a login that no server serves: the templates need a
// domain or local part the login does not have, or has in a form that
// cannot be part of a host name.
var ErrNoRoute = errors.New("mail: no mail server for this login")

// Route is where one login's mail lives.
type Route struct {
	IMAP Endpoint
	SMTP Endpoint
	// Proxy is how the front proxies reach the domain's backend; zero for
	// a login routed by the templates, which the front hosts do not serve.
	Proxy ProxyTargets
}

// ProxyTargets are the plain-text host:port addresses of one mail backend
// for the front hosts: nginx's mail proxy (IMAP, POP3, submission) and the
// front Postfix (Relay). An empty address: not served that way.
type ProxyTargets struct {
	Backend    string // the backend's name, for logs and the API
	IMAP       string
	POP3       string
	Submission string
	Relay      string
}

// DomainRoute is one row of the per-domain table, as URLs. An empty SMTP
// uses the SMTP template.
type DomainRoute struct {
	Domain string
	IMAP   string
	SMTP   string
	Proxy  ProxyTargets
}

// Router resolves a login (user@domain) to its mail servers: the
// per-domain table first, then the templates from configuration, in which
// %d stands for the login's domain, %u for its local part and %% for a
// percent sign (imaps://imap.%d:993), like Roundcube's imap_host. It is
// safe for concurrent use; the table and templates can be replaced while
// requests resolve.
type Router struct {
	// writeMu serialises SetTemplates and SetDomains, which each build a
	// new table from the old one: run together (SIGHUP and the domain
	// poll), one would silently drop the other's change.
	writeMu sync.Mutex
	table   atomic.Pointer[routeTable]
}

type routeTable struct {
	imapTemplate, smtpTemplate string
	domains                    map[string]Route
}

// NewRouter returns a router with the templates and an empty table. A
// template that cannot give a valid URL is an error.
func NewRouter(imapTemplate, smtpTemplate string) (*Router, error) {
	r := &Router{}
	r.table.Store(&routeTable{domains: map[string]Route{}})
	if err := r.SetTemplates(imapTemplate, smtpTemplate); err != nil {
		return nil, err
	}
	return r, nil
}

// SetTemplates replaces the templates, after checking them. Sessions keep
// the servers they were resolved to at login.
func (r *Router) SetTemplates(imapTemplate, smtpTemplate string) error {
	sample := func(tmpl string) string {
		s, _ := expand(tmpl, "user", "example.com")
		return s
	}
	if _, err := ParseIMAPURL(sample(imapTemplate)); err != nil {
		return fmt.Errorf("mail: IMAP template: %w", err)
	}
	if _, err := ParseSMTPURL(sample(smtpTemplate)); err != nil {
		return fmt.Errorf("mail: SMTP template: %w", err)
	}
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	old := r.table.Load()
	r.table.Store(&routeTable{imapTemplate: imapTemplate, smtpTemplate: smtpTemplate, domains: old.domains})
	return nil
}

// SetDomains replaces the per-domain table. Rows whose URLs do not parse
// are left out and reported in the error; the others take effect.
func (r *Router) SetDomains(rows []DomainRoute) error {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	old := r.table.Load()
	domains := make(map[string]Route, len(rows))
	var errs []error
	for _, row := range rows {
		name := strings.ToLower(strings.TrimSpace(row.Domain))
		imap, err := ParseIMAPURL(row.IMAP)
		if err != nil {
			errs = append(errs, fmt.Errorf("mail: domain %s: %w", name, err))
			continue
		}
		route := Route{IMAP: imap, Proxy: row.Proxy}
		if row.SMTP != "" {
			if route.SMTP, err = ParseSMTPURL(row.SMTP); err != nil {
				errs = append(errs, fmt.Errorf("mail: domain %s: %w", name, err))
				continue
			}
		}
		domains[name] = route
	}
	r.table.Store(&routeTable{imapTemplate: old.imapTemplate, smtpTemplate: old.smtpTemplate, domains: domains})
	return errors.Join(errs...)
}

// Domains reports how many domains the table holds.
func (r *Router) Domains() int { return len(r.table.Load().domains) }

// DomainRoute returns the table's route of domain, or false when the
// domain is not in the table (the templates are not consulted: only a
// listed domain is served by the front hosts).
func (r *Router) DomainRoute(domain string) (Route, bool) {
	route, ok := r.table.Load().domains[strings.ToLower(strings.TrimSpace(domain))]
	return route, ok
}

// Resolve returns the servers for login. The result is what a session
// keeps, so every instance uses the same servers for it.
func (r *Router) Resolve(login string) (Route, error) {
	t := r.table.Load()
	local, domain := splitLogin(login)
	route, ok := t.domains[domain]
	if !ok || route.IMAP.Host == "" {
		imapURL, err := expand(t.imapTemplate, local, domain)
		if err != nil {
			return Route{}, err
		}
		if route.IMAP, err = ParseIMAPURL(imapURL); err != nil {
			return Route{}, fmt.Errorf("%w: %w", ErrNoRoute, err)
		}
	}
	if route.SMTP.Host == "" {
		smtpURL, err := expand(t.smtpTemplate, local, domain)
		if err != nil {
			return Route{}, err
		}
		if route.SMTP, err = ParseSMTPURL(smtpURL); err != nil {
			return Route{}, fmt.Errorf("%w: %w", ErrNoRoute, err)
		}
	}
	return route, nil
}

// splitLogin splits user@domain at the last @; the domain is lower-cased.
func splitLogin(login string) (local, domain string) {
	at := strings.LastIndexByte(login, '@')
	if at < 0 {
		return login, ""
	}
	return login[:at], strings.ToLower(login[at+1:])
}

// expand fills a template. The values become part of a host name, so only
// letters, digits, dots and hyphens may be substituted: a login can never
// steer the webmail to a port, a path or another scheme.
func expand(tmpl, local, domain string) (string, error) {
	if !strings.Contains(tmpl, "%") {
		return tmpl, nil
	}
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		if tmpl[i] != '%' || i+1 == len(tmpl) {
			b.WriteByte(tmpl[i])
			continue
		}
		i++
		var value string
		switch tmpl[i] {
		case 'd':
			value = domain
		case 'u':
			value = strings.ToLower(local)
		case '%':
			b.WriteByte('%')
			continue
		default:
			b.WriteByte('%')
			b.WriteByte(tmpl[i])
			continue
		}
		if !hostLabelSafe(value) {
			return "", fmt.Errorf("%w: %q cannot be part of a server name", ErrNoRoute, value)
		}
		b.WriteString(value)
	}
	return b.String(), nil
}

func hostLabelSafe(s string) bool {
	if s == "" || len(s) > 253 || s[0] == '.' || s[0] == '-' || strings.Contains(s, "..") {
		return false
	}
	// An address literal would let a login such as x@10.0.0.5 send the
	// webmail to any internal host through a %d template.
	if _, err := netip.ParseAddr(s); err == nil {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
