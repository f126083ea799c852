package app

import (
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/store"
)

// RouteRows joins the domain table with the mail backends into the rows
// the router loads: a domain on a backend takes the backend's servers and
// proxy addresses; a domain naming a backend that does not exist is left
// out (its logins fall back to the templates) and reported.
func RouteRows(domains []store.Domain, backends []store.MailBackend) (rows []mail.DomainRoute, orphans []string) {
	byName := make(map[string]store.MailBackend, len(backends))
	for _, b := range backends {
		byName[b.Name] = b
	}
	for _, d := range domains {
		row := mail.DomainRoute{Domain: d.Name, IMAP: d.IMAP, SMTP: d.SMTP}
		if d.Backend != "" {
			b, ok := byName[d.Backend]
			if !ok {
				orphans = append(orphans, d.Name)
				continue
			}
			row.IMAP, row.SMTP = b.IMAP, b.SMTP
			row.Proxy = mail.ProxyTargets{Backend: b.Name, IMAP: b.ProxyIMAP, POP3: b.ProxyPOP3,
				Submission: b.ProxySubmission, Relay: b.Relay}
		}
		rows = append(rows, row)
	}
	return rows, orphans
}
