package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/webmail/webmail/session"
)

// countingSessions counts a session store's failures.
type countingSessions struct {
	session.Store
	errors *prometheus.CounterVec
}

// SessionStore wraps st so that its failures are counted; an unknown
// session is not a failure.
func (m *Registry) SessionStore(st session.Store) session.Store {
	return countingSessions{Store: st, errors: m.sessionErrors}
}

func (c countingSessions) count(op string, err error) error {
	if err != nil && !session.IsNotFound(err) {
		c.errors.WithLabelValues(op).Inc()
	}
	return err
}

func (c countingSessions) Get(ctx context.Context, id string) (*session.Session, error) {
	s, err := c.Store.Get(ctx, id)
	return s, c.count("get", err)
}

func (c countingSessions) Save(ctx context.Context, s *session.Session, ttl time.Duration) error {
	return c.count("save", c.Store.Save(ctx, s, ttl))
}

func (c countingSessions) Touch(ctx context.Context, s *session.Session, ttl time.Duration) error {
	return c.count("touch", c.Store.Touch(ctx, s, ttl))
}

func (c countingSessions) Delete(ctx context.Context, id string) error {
	return c.count("delete", c.Store.Delete(ctx, id))
}

func (c countingSessions) Ping(ctx context.Context) error {
	return c.count("ping", c.Store.Ping(ctx))
}

// UserSessions passes the user index through, so the provisioning API
// lists sessions whether or not metrics are on.
func (c countingSessions) UserSessions(ctx context.Context, user string) ([]*session.Session, error) {
	index, ok := c.Store.(session.UserIndex)
	if !ok {
		return nil, session.ErrNoUserIndex
	}
	sessions, err := index.UserSessions(ctx, user)
	return sessions, c.count("user_sessions", err)
}
