package app

import (
	"context"
	"sync"
	"time"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/submit"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// DefaultMaxUpload is the attachment limit when Deps.MaxUpload is unset.
const DefaultMaxUpload = 25 << 20

// smtpSizeTTL is how long an SMTP server's advertised SIZE is believed;
// a failed lookup is retried sooner.
const (
	smtpSizeTTL       = 10 * time.Minute
	smtpSizeRetry     = time.Minute
	smtpSizeLookupMax = 3 * time.Second
)

// smtpSizes caches the SIZE each SMTP endpoint advertises, so a compose
// page does not open an SMTP connection every time it is shown.
type smtpSizes struct {
	mu      sync.Mutex
	entries map[string]smtpSizeEntry
}

type smtpSizeEntry struct {
	size    int64 // 0: no limit advertised, or unknown
	expires time.Time
}

// UploadLimit is the most the attachments of one message may weigh
// altogether: WEBMAIL_MAX_UPLOAD, or less when the user's SMTP server
// advertises a smaller SIZE (three quarters of it, since attachments
// grow by a third in base64).
func (a *App) UploadLimit(ctx context.Context, sess *session.Session) int64 {
	limit := a.MaxUpload
	if smtp := a.smtpSize(ctx, sess); smtp > 0 && smtp/4*3 < limit {
		limit = smtp / 4 * 3
	}
	return limit
}

// remainingUpload is how much more compose c may have attached.
func (a *App) remainingUpload(ctx context.Context, sess *session.Session, c store.Compose) (int64, error) {
	uploads, err := a.DB.UploadsByCompose(ctx, c.ID, c.UserID)
	if err != nil {
		return 0, storeError(err)
	}
	limit := a.UploadLimit(ctx, sess)
	for _, u := range uploads {
		limit -= u.Size
	}
	return max(limit, 0), nil
}

// smtpSize is the SIZE the session's SMTP server advertises, 0 when it
// advertises none or cannot be asked.
func (a *App) smtpSize(ctx context.Context, sess *session.Session) int64 {
	ep, err := a.sessionSMTP(sess)
	if err != nil || ep.Host == "" {
		return 0
	}
	key := ep.String()
	now := time.Now()
	a.smtpSizes.mu.Lock()
	entry, ok := a.smtpSizes.entries[key]
	a.smtpSizes.mu.Unlock()
	if ok && now.Before(entry.expires) {
		return entry.size
	}
	lookup, cancel := context.WithTimeout(ctx, smtpSizeLookupMax)
	defer cancel()
	size, err := submit.MaxSize(lookup, ep, submit.Options{DialTimeout: smtpSizeLookupMax})
	entry = smtpSizeEntry{size: size, expires: now.Add(smtpSizeTTL)}
	if err != nil {
		a.Logger.DebugContext(ctx, "reading the SMTP server's SIZE failed", "smtp", key, "err", err)
		entry = smtpSizeEntry{expires: now.Add(smtpSizeRetry)}
	}
	a.smtpSizes.mu.Lock()
	if len(a.smtpSizes.entries) > 10000 {
		clear(a.smtpSizes.entries) // routed per domain: bounded by domains, this only guards
	}
	a.smtpSizes.entries[key] = entry
	a.smtpSizes.mu.Unlock()
	return entry.size
}

// sessionSMTP is the SMTP server of the session: the one its login was
// routed to, else the configured one.
func (a *App) sessionSMTP(sess *session.Session) (mail.Endpoint, error) {
	if sess.SMTP != "" {
		return mail.ParseSMTPURL(sess.SMTP)
	}
	route, err := a.routeLogin(sess.User)
	if err != nil {
		return mail.Endpoint{}, err
	}
	if route.SMTP.Host != "" {
		return route.SMTP, nil
	}
	return a.SMTP, nil
}
