// Package disclaimer is the plugin "disclaimer": a footer appended to the
// text and HTML parts of every message sent from an address in one of the
// domain table's domains (webmail domain set ...).
//
//	WEBMAIL_PLUGINS=disclaimer
//	WEBMAIL_PLUGIN_DISCLAIMER_TEXT=Confidential: meant for its recipients only.
//	WEBMAIL_PLUGIN_DISCLAIMER_TEXT_EXAMPLE_ORG=Example Org GmbH, Köln   # one domain's own
//
// A domain's own footer is TEXT_ followed by the domain with '.' and '-' as
// '_'. A sender whose domain is not in the table (or has no footer) sends
// without one. The footer is plain text: it is escaped into the HTML part.
package disclaimer

import (
	"context"
	"html"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/webmail/webmail/plugins"
)

// Name is the plugin's name.
const Name = "disclaimer"

func init() {
	plugins.Register(Name, func(cfg *plugins.Config) (any, error) {
		d := &Disclaimer{text: cfg.String("text", ""), byDomain: cfg.Prefixed("text_"), domains: cfg.Domains()}
		if d.text == "" && len(d.byDomain) == 0 {
			cfg.Problem("%s is not set: the footer to append", cfg.Variable("text"))
		}
		if d.domains == nil {
			cfg.Problem("disclaimer: the webmail gave no domain table")
		}
		return d, nil
	})
}

// domainsTTL is how long the domain table is kept between reads: sends
// should not each ask the database.
const domainsTTL = time.Minute

// Disclaimer is the plugin.
type Disclaimer struct {
	text     string
	byDomain map[string]string // by domain key (example_org)
	domains  plugins.DomainSource

	mu      sync.Mutex
	known   []string
	fetched time.Time
}

var _ plugins.BeforeSend = (*Disclaimer)(nil)

// BeforeSend appends the sender's domain's footer.
func (d *Disclaimer) BeforeSend(ctx context.Context, msg *plugins.Outgoing) error {
	_, domain, ok := strings.Cut(strings.ToLower(msg.From), "@")
	if !ok {
		return nil
	}
	hosted, err := d.hosted(ctx, domain)
	if err != nil || !hosted {
		return err
	}
	footer := d.footer(domain)
	if footer == "" {
		return nil
	}
	msg.Text = strings.TrimRight(msg.Text, "\r\n") + "\n\n" + footer + "\n"
	if msg.HTML != "" {
		escaped := strings.ReplaceAll(html.EscapeString(footer), "\n", "<br>")
		msg.HTML += `<p class="disclaimer">` + escaped + `</p>`
	}
	return nil
}

func (d *Disclaimer) footer(domain string) string {
	key := strings.NewReplacer(".", "_", "-", "_").Replace(domain)
	if text, ok := d.byDomain[key]; ok {
		return text
	}
	return d.text
}

// hosted reports whether domain is in the domain table (read at most once
// a domainsTTL; the last list is kept while the database is down).
func (d *Disclaimer) hosted(ctx context.Context, domain string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if time.Since(d.fetched) > domainsTTL {
		names, err := d.domains.DomainNames(ctx)
		if err != nil && d.fetched.IsZero() {
			return false, err
		}
		if err == nil {
			d.known, d.fetched = names, time.Now()
		}
	}
	return slices.Contains(d.known, domain), nil
}
