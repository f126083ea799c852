package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/store"
)

// BackendInput is a mail backend as an admin describes it.
type BackendInput struct {
	Name            string
	IMAP            string // imaps://mx1.example.com:993, for the webmail
	SMTP            string // "" = the WEBMAIL_SMTP template
	ProxyIMAP       string // host:port for nginx; "" = no IMAP through the front hosts
	ProxyPOP3       string
	ProxySubmission string
	Relay           string // host:port the front Postfix relays inbound mail to
}

// Backends lists the mail backends, read from the primary (an admin reads
// back what was just written).
func (a *App) Backends(ctx context.Context) ([]store.MailBackend, error) {
	backends, err := a.DB.MailBackends(store.WithPrimaryReads(ctx))
	if err != nil {
		return nil, storeError(err)
	}
	return backends, nil
}

// SaveBackend creates or replaces a mail backend. Every instance uses the
// change within seconds (the domain poll).
func (a *App) SaveBackend(ctx context.Context, actor Actor, in BackendInput) (store.MailBackend, error) {
	b, err := validBackend(in)
	if err != nil {
		return store.MailBackend{}, err
	}
	if err := a.DB.SaveMailBackend(ctx, b); err != nil {
		return store.MailBackend{}, storeError(err)
	}
	a.audit(ctx, actor, "backend.save", b.Name, in)
	return b, nil
}

// DeleteBackend removes a backend no domain uses: CodeConflict while
// domains do, CodeNotFound when there is none.
func (a *App) DeleteBackend(ctx context.Context, actor Actor, name string) error {
	name = strings.ToLower(strings.TrimSpace(name))
	err := a.DB.DeleteMailBackend(ctx, name)
	if errors.Is(err, store.ErrBackendInUse) {
		return &Error{Code: CodeConflict, Title: "Backend in use",
			Message: "Domains are still on this backend: move or delete them first.", Err: err}
	}
	if err != nil {
		return storeError(err)
	}
	a.audit(ctx, actor, "backend.delete", name, nil)
	return nil
}

func validBackend(in BackendInput) (store.MailBackend, error) {
	b := store.MailBackend{Name: strings.ToLower(strings.TrimSpace(in.Name)), IMAP: strings.TrimSpace(in.IMAP),
		SMTP: strings.TrimSpace(in.SMTP), ProxyIMAP: strings.TrimSpace(in.ProxyIMAP), ProxyPOP3: strings.TrimSpace(in.ProxyPOP3),
		ProxySubmission: strings.TrimSpace(in.ProxySubmission), Relay: strings.TrimSpace(in.Relay)}
	if !validName(b.Name, 64) {
		return b, Invalid("Backend", "A backend name is 1 to 64 letters, digits, dots, hyphens or underscores.")
	}
	if _, err := mail.ParseIMAPURL(b.IMAP); err != nil {
		return b, Invalid("Backend", "imap must be an IMAP URL such as imaps://mx1.example.com:993.")
	}
	if b.SMTP != "" {
		if _, err := mail.ParseSMTPURL(b.SMTP); err != nil {
			return b, Invalid("Backend", "smtp must be empty or an SMTP URL such as smtp+starttls://mx1.example.com:587.")
		}
	}
	for _, f := range []struct{ name, value string }{
		{"proxy_imap", b.ProxyIMAP}, {"proxy_pop3", b.ProxyPOP3}, {"proxy_submission", b.ProxySubmission}, {"relay", b.Relay},
	} {
		if f.value != "" && !validHostPort(f.value) {
			return b, Invalid("Backend", fmt.Sprintf("%s must be empty or host:port, such as 10.0.0.21:143.", f.name))
		}
	}
	return b, nil
}

func validHostPort(s string) bool {
	host, port, err := net.SplitHostPort(s)
	if err != nil || host == "" {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n > 0 && n < 65536 && !strings.ContainsAny(host, " /@[]")
}

func validName(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
