package mail

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Security is how a connection to a mail server is protected.
type Security int

const (
	// SecurityPlain is an unencrypted connection (imap://, smtp://). Only for
	// loopback or trusted networks: passwords travel in the clear.
	SecurityPlain Security = iota
	// SecurityStartTLS starts unencrypted and upgrades with STARTTLS before
	// logging in (imap+starttls://, smtp+starttls://).
	SecurityStartTLS
	// SecurityTLS is TLS from the first byte (imaps://, smtps://).
	SecurityTLS
)

// String returns "plain", "starttls" or "tls".
func (s Security) String() string {
	switch s {
	case SecurityPlain:
		return "plain"
	case SecurityStartTLS:
		return "starttls"
	case SecurityTLS:
		return "tls"
	}
	return "Security(" + strconv.Itoa(int(s)) + ")"
}

// Endpoint is a mail server address parsed from a URL.
type Endpoint struct {
	// Scheme is the URL scheme in lower case, for example "imaps".
	Scheme string
	// Host is "host:port", with the scheme's default port filled in.
	Host string
	// Security says whether and how the connection is encrypted.
	Security Security
}

// String returns the endpoint as a URL, for example "imaps://mail.example.org:993".
func (e Endpoint) String() string {
	return e.Scheme + "://" + e.Host
}

// ServerName returns the host part of Host, the name TLS certificates are
// checked against.
func (e Endpoint) ServerName() string {
	host, _, err := net.SplitHostPort(e.Host)
	if err != nil {
		return e.Host
	}
	return host
}

type schemeInfo struct {
	security    Security
	defaultPort string
}

func imapScheme(scheme string) (schemeInfo, bool) {
	switch scheme {
	case "imap":
		return schemeInfo{SecurityPlain, "143"}, true
	case "imap+starttls":
		return schemeInfo{SecurityStartTLS, "143"}, true
	case "imaps":
		return schemeInfo{SecurityTLS, "993"}, true
	}
	return schemeInfo{}, false
}

func smtpScheme(scheme string) (schemeInfo, bool) {
	switch scheme {
	case "smtp":
		return schemeInfo{SecurityPlain, "25"}, true
	case "smtp+starttls":
		return schemeInfo{SecurityStartTLS, "587"}, true
	case "smtps":
		return schemeInfo{SecurityTLS, "465"}, true
	}
	return schemeInfo{}, false
}

// ParseIMAPURL parses imap://host[:143] (plain), imap+starttls://host[:143] or
// imaps://host[:993]. Any other scheme, a user name, a path or a query is an
// error wrapping ErrBadURL.
func ParseIMAPURL(s string) (Endpoint, error) {
	return parseEndpoint(s, imapScheme)
}

// ParseSMTPURL parses smtp://host[:25] (plain), smtp+starttls://host[:587] or
// smtps://host[:465]. Any other scheme, a user name, a path or a query is an
// error wrapping ErrBadURL.
func ParseSMTPURL(s string) (Endpoint, error) {
	return parseEndpoint(s, smtpScheme)
}

func parseEndpoint(raw string, schemes func(string) (schemeInfo, bool)) (Endpoint, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// url's own error quotes the input, which may hold a password.
		return Endpoint{}, fmt.Errorf("mail: parse server URL: %w", ErrBadURL)
	}
	// Errors name the URL without any user:password part: they reach logs.
	s := u.Redacted()
	scheme := strings.ToLower(u.Scheme)
	info, ok := schemes(scheme)
	if !ok {
		return Endpoint{}, fmt.Errorf("mail: parse %q: %w: unsupported scheme %q", s, ErrBadURL, u.Scheme)
	}
	// Credentials come from the user's login, never from configuration; a
	// path or query would be silently ignored, so refuse them instead.
	if u.User != nil || u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Endpoint{}, fmt.Errorf("mail: parse %q: %w: only scheme://host:port is allowed", s, ErrBadURL)
	}
	host := u.Hostname()
	if host == "" {
		return Endpoint{}, fmt.Errorf("mail: parse %q: %w: missing host", s, ErrBadURL)
	}
	port := u.Port()
	if port == "" {
		if strings.HasSuffix(u.Host, ":") {
			return Endpoint{}, fmt.Errorf("mail: parse %q: %w: empty port", s, ErrBadURL)
		}
		port = info.defaultPort
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return Endpoint{}, fmt.Errorf("mail: parse %q: %w: bad port %q", s, ErrBadURL, port)
	}
	return Endpoint{
		Scheme:   scheme,
		Host:     net.JoinHostPort(strings.ToLower(host), port),
		Security: info.security,
	}, nil
}
