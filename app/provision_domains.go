package app

import (
	"context"
	"errors"
	"strings"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/store"
)

// DomainInput is a domain route as an admin describes it: on a backend,
// or with its own IMAP (and SMTP) URLs.
type DomainInput struct {
	Name    string
	Backend string // a backend's name; or "" with IMAP set
	IMAP    string
	SMTP    string // "" = the WEBMAIL_SMTP template
}

// Domains lists the domain routes, read from the primary.
func (a *App) Domains(ctx context.Context) ([]store.Domain, error) {
	domains, err := a.DB.Domains(store.WithPrimaryReads(ctx))
	if err != nil {
		return nil, storeError(err)
	}
	return domains, nil
}

// Domain returns one domain route, or CodeNotFound.
func (a *App) Domain(ctx context.Context, name string) (store.Domain, error) {
	domains, err := a.Domains(ctx)
	if err != nil {
		return store.Domain{}, err
	}
	name = strings.ToLower(strings.TrimSpace(name))
	for _, d := range domains {
		if d.Name == name {
			return d, nil
		}
	}
	return store.Domain{}, &Error{Code: CodeNotFound, Title: "Domain", Message: "There is no route for this domain."}
}

// SaveDomain creates or replaces a domain route. Every instance uses it
// within seconds: web logins, nginx and the front Postfix. Sessions keep
// the servers they logged in to.
func (a *App) SaveDomain(ctx context.Context, actor Actor, in DomainInput) (store.Domain, error) {
	d := store.Domain{Name: strings.ToLower(strings.TrimSpace(in.Name)), Backend: strings.ToLower(strings.TrimSpace(in.Backend)),
		IMAP: strings.TrimSpace(in.IMAP), SMTP: strings.TrimSpace(in.SMTP)}
	if !ValidDomain(d.Name) {
		return d, Invalid("Domain", "That is not a domain name.")
	}
	switch {
	case d.Backend != "" && (d.IMAP != "" || d.SMTP != ""):
		return d, Invalid("Domain", "Give either a backend or the domain's own imap and smtp URLs, not both.")
	case d.Backend != "":
		if err := a.requireBackend(ctx, d.Backend); err != nil {
			return d, err
		}
	default:
		if _, err := mail.ParseIMAPURL(d.IMAP); err != nil {
			return d, Invalid("Domain", "Give a backend, or imap as an IMAP URL such as imaps://mx1.example.com:993.")
		}
		if d.SMTP != "" {
			if _, err := mail.ParseSMTPURL(d.SMTP); err != nil {
				return d, Invalid("Domain", "smtp must be empty or an SMTP URL such as smtp+starttls://mx1.example.com:587.")
			}
		}
	}
	if err := a.DB.SaveDomain(ctx, d); err != nil {
		return d, storeError(err)
	}
	a.audit(ctx, actor, "domain.save", d.Name, in)
	return d, nil
}

// MoveDomain puts an existing domain on another backend. Mail clients'
// next logins and inbound mail go there within seconds; moving the
// mailboxes themselves is the mail servers' business.
func (a *App) MoveDomain(ctx context.Context, actor Actor, name, backend string) (store.Domain, error) {
	d, err := a.Domain(ctx, name)
	if err != nil {
		return d, err
	}
	backend = strings.ToLower(strings.TrimSpace(backend))
	if err := a.requireBackend(ctx, backend); err != nil {
		return d, err
	}
	from := d.Backend
	d.Backend, d.IMAP, d.SMTP = backend, "", ""
	if err := a.DB.SaveDomain(ctx, d); err != nil {
		return d, storeError(err)
	}
	a.audit(ctx, actor, "domain.move", d.Name, map[string]string{"from": from, "to": backend})
	return d, nil
}

// DeleteDomain removes a domain route; its logins fall back to the
// templates and the front hosts stop serving it.
func (a *App) DeleteDomain(ctx context.Context, actor Actor, name string) error {
	name = strings.ToLower(strings.TrimSpace(name))
	if err := a.DB.DeleteDomain(ctx, name); errors.Is(err, store.ErrNotFound) {
		return &Error{Code: CodeNotFound, Title: "Domain", Message: "There is no route for this domain.", Err: err}
	} else if err != nil {
		return storeError(err)
	}
	a.audit(ctx, actor, "domain.delete", name, nil)
	return nil
}

func (a *App) requireBackend(ctx context.Context, name string) error {
	backends, err := a.Backends(ctx)
	if err != nil {
		return err
	}
	for _, b := range backends {
		if b.Name == name {
			return nil
		}
	}
	return Invalid("Domain", "There is no backend of that name.")
}

// ValidDomain reports whether name is a lower-case domain name.
func ValidDomain(name string) bool {
	if len(name) == 0 || len(name) > 253 || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
