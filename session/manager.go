package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// CookieName is the name of the session cookie over plain HTTP, and its
// name over TLS before SecureCookieName.
const CookieName = "webmail_session"

// SecureCookieName is the name of the session cookie over TLS. The browser
// accepts a __Host- cookie only with Secure, Path=/ and no Domain, from
// this very host: a sibling subdomain (or a network attacker on plain HTTP)
// cannot plant or overwrite it.
const SecureCookieName = "__Host-webmail_session"

// CookieNameFor is the session cookie's name on a connection that is TLS
// (secure) or not.
func CookieNameFor(secure bool) string {
	if secure {
		return SecureCookieName
	}
	return CookieName
}

// touchInterval is how stale LastSeen may get before a request writes the
// session again to extend its idle timeout; it keeps a busy user from
// writing to the store on every click.
const touchInterval = time.Minute

// Manager creates, loads and ends sessions on a Store.
type Manager struct {
	store  Store
	sealer *Sealer
	idle   time.Duration
	max    time.Duration
	now    func() time.Time
	logger *slog.Logger
}

// NewManager returns a manager whose sessions expire after idle without use
// and after max in any case.
func NewManager(store Store, sealer *Sealer, idle, max time.Duration) *Manager {
	return &Manager{store: store, sealer: sealer, idle: idle, max: max, now: time.Now,
		logger: slog.New(slog.DiscardHandler)}
}

// SetLogger sets where the manager logs (default: discarded). Call it
// before the manager is used.
func (m *Manager) SetLogger(logger *slog.Logger) { m.logger = logger }

// Store returns the underlying store (for readiness checks).
func (m *Manager) Store() Store { return m.store }

func credentialContext(id, user string) []byte {
	return []byte("webmail-session\x00" + id + "\x00" + user)
}

// Create starts a session for user with a fresh ID (never one the browser
// sent: that prevents session fixation) and stores the password sealed.
func (m *Manager) Create(ctx context.Context, user, password string) (*Session, error) {
	return m.CreateRouted(ctx, user, password, "", "")
}

// CreateRouted is Create for a login routed to particular mail servers
// (URLs), which the session keeps.
func (m *Manager) CreateRouted(ctx context.Context, user, password, imap, smtp string) (*Session, error) {
	return m.Start(ctx, Login{User: user, Password: password, IMAP: imap, SMTP: smtp})
}

// Login is a sign-in the mail server accepted, for Start.
type Login struct {
	User, Password string
	IMAP, SMTP     string // the mail servers (URLs) it was routed to; "" for the defaults
	Client         Client // the browser, for the user's list of sessions
	// Display are the user's display settings (Session.Display) as the
	// database had them at login; nil for the defaults.
	Display map[string]string
}

// Start starts a session for a login with a fresh ID (never one the
// browser sent: that prevents session fixation), stores the password
// sealed, and keeps a short description of the browser and its address.
func (m *Manager) Start(ctx context.Context, l Login) (*Session, error) {
	now := m.now()
	ip := cleanIP(l.Client.IP)
	s := &Session{
		ID:        NewID(),
		User:      l.User,
		CSRFToken: NewID(),
		CreatedAt: now,
		LastSeen:  now,
		IMAP:      l.IMAP,
		SMTP:      l.SMTP,
		Device:    DescribeUserAgent(l.Client.UserAgent),
		LoginIP:   ip,
		LastIP:    ip,
		Version:   RecordVersion,
		Display:   l.Display,
	}
	s.Credentials = m.sealer.Seal([]byte(l.Password), credentialContext(s.ID, l.User))
	if err := m.store.Save(ctx, s, m.ttl(s, now)); err != nil {
		return nil, err
	}
	return s, nil
}

// ttl is the idle timeout, cut short by the absolute lifetime.
func (m *Manager) ttl(s *Session, now time.Time) time.Duration {
	ttl := m.idle
	if left := s.CreatedAt.Add(m.max).Sub(now); left < ttl {
		ttl = left
	}
	return ttl
}

// Load returns the live session with this ID, extending its idle timeout
// (not while the store cannot be written: ErrUnavailable). Unknown,
// expired or malformed IDs give an error wrapping ErrNotFound, and so do an
// unreadable record (ErrMalformed, logged and deleted) and a session that a
// logout ended while it was being loaded.
func (m *Manager) Load(ctx context.Context, id string) (*Session, error) {
	return m.LoadFrom(ctx, id, "")
}

// LoadFrom is Load for a request from clientIP, which the session keeps as
// its latest address when the load refreshes LastSeen anyway (at most once
// a minute): the list of sessions costs no write of its own.
func (m *Manager) LoadFrom(ctx context.Context, id, clientIP string) (*Session, error) {
	if !validID(id) {
		return nil, fmt.Errorf("session: malformed id: %w", ErrNotFound)
	}
	s, err := m.store.Get(ctx, id)
	if errors.Is(err, ErrMalformed) {
		// An unreadable record must not lock its user out with an error
		// on every page until it expires: it is no session, and goes.
		m.logger.WarnContext(ctx, "unreadable session record removed; the visitor is signed out", "err", err)
		if err := m.store.Delete(ctx, id); err != nil {
			m.logger.WarnContext(ctx, "removing an unreadable session record failed", "err", err)
		}
		return nil, fmt.Errorf("session: %w: %w", ErrNotFound, err)
	}
	if err != nil {
		return nil, err
	}
	now := m.now()
	if !now.Before(s.CreatedAt.Add(m.max)) || !now.Before(s.LastSeen.Add(m.idle)) {
		_ = m.store.Delete(ctx, id)
		return nil, fmt.Errorf("session: expired: %w", ErrNotFound)
	}
	if now.Sub(s.LastSeen) >= touchInterval {
		seen, seenFrom := s.LastSeen, s.LastIP
		s.LastSeen = now
		if ip := cleanIP(clientIP); ip != "" {
			s.LastIP = ip
		}
		err := m.store.Touch(ctx, s, m.ttl(s, now))
		switch {
		case err == nil:
		case errors.Is(err, ErrUnavailable):
			// Reading works without the SQL primary; an idle timeout
			// not extended for a while is better than an error page.
			s.LastSeen, s.LastIP = seen, seenFrom
			m.logger.DebugContext(ctx, "idle timeout not extended: the session store cannot be written", "err", err)
		default:
			// ErrNotFound means a logout ended the session since Get:
			// it stays ended.
			return nil, err
		}
	}
	return s, nil
}

// Password decrypts the session's mail password.
func (m *Manager) Password(s *Session) (string, error) {
	plain, err := m.sealer.Open(s.Credentials, credentialContext(s.ID, s.User))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

// Destroy deletes the session server-side, so a copied cookie is useless
// after logout.
func (m *Manager) Destroy(ctx context.Context, id string) error {
	if !validID(id) {
		return nil
	}
	return m.store.Delete(ctx, id)
}

// Cookie is the session cookie for s. secure must be true when the browser
// reached us over TLS (directly or through a trusted TLS-terminating proxy).
func (m *Manager) Cookie(s *Session, secure bool) *http.Cookie {
	return &http.Cookie{
		Name:     CookieNameFor(secure),
		Value:    s.ID,
		Path:     "/",
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
}

// ClearCookie is the cookie that removes the session cookie from the browser.
func (m *Manager) ClearCookie(secure bool) *http.Cookie {
	return &http.Cookie{
		Name:     CookieNameFor(secure),
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
}

// IsNotFound reports whether err means "no live session".
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
