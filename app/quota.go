package app

import (
	"context"
	"sync"
	"time"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// quotaTTL is how long an instance shows a user's mailbox quota before it
// asks the mail server again. The sidebar shows it on every page; a figure
// a minute old is as good, and the asking rides on the folder LIST anyway
// (mail.Client.MailboxesWithQuota), so a fresh one costs no round trip.
const quotaTTL = time.Minute

// quotaCacheMax bounds the cache; past it, entries are dropped wholesale
// (each costs one pipelined command to learn again).
const quotaCacheMax = 10000

// Quota is the user's mailbox storage quota, in bytes.
type Quota = mail.Quota

// quotaCache is a per-instance cache of quotas by mail server and login.
// Losing it costs one GETQUOTAROOT on the next folder list.
type quotaCache struct {
	mu      sync.Mutex
	entries map[quotaKey]quotaEntry
}

type quotaKey struct{ server, user string }

type quotaEntry struct {
	quota   Quota
	expires time.Time
}

func newQuotaCache() *quotaCache { return &quotaCache{entries: map[quotaKey]quotaEntry{}} }

func (c *quotaCache) get(key quotaKey, now time.Time) (Quota, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.After(e.expires) {
		return e.quota, false
	}
	return e.quota, true
}

func (c *quotaCache) put(key quotaKey, q Quota, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= quotaCacheMax {
		c.entries = map[quotaKey]quotaEntry{}
	}
	c.entries[key] = quotaEntry{quota: q, expires: now.Add(quotaTTL)}
}

func sessionQuotaKey(sess *session.Session) quotaKey {
	return quotaKey{server: sess.IMAP, user: sess.User}
}

// sidebarFolders lists the user's folders for a page's folder tree. When
// this instance's copy of the quota is older than quotaTTL, the quota is
// asked for in the same round trip as the folders and kept for
// SidebarQuota.
func (a *App) sidebarFolders(ctx context.Context, sess *session.Session, client *mail.Client) ([]Mailbox, error) {
	key := sessionQuotaKey(sess)
	if _, fresh := a.quotas.get(key, time.Now()); fresh {
		return client.Mailboxes(ctx)
	}
	boxes, quota, err := client.MailboxesWithQuota(ctx)
	if err != nil {
		return nil, err
	}
	a.quotas.put(key, quota, time.Now())
	return boxes, nil
}

// SidebarQuota is the user's mailbox quota as this instance last learnt it
// (listing the folders), without asking the mail server: zero (not Known)
// when the server has no quota or was not asked yet.
func (a *App) SidebarQuota(sess *session.Session) Quota {
	if sess == nil {
		return Quota{}
	}
	q, _ := a.quotas.get(sessionQuotaKey(sess), time.Now())
	return q
}
