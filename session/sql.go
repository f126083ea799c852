package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/webmail/webmail/store"
)

// SQL keeps sessions in the database's sessions table (on the primary, so a
// session written by one instance is at once visible to all; read from a
// replica only while the primary is down). Expired rows are ignored on
// read and removed by Cleanup.
type SQL struct {
	db *store.DB
}

var _ Store = (*SQL)(nil)

// NewSQL uses db's sessions table.
func NewSQL(db *store.DB) *SQL { return &SQL{db: db} }

// Get implements Store.
func (s *SQL) Get(ctx context.Context, id string) (*Session, error) {
	data, err := s.db.SessionData(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("session: sql: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("session: sql: %w", err)
	}
	return decode(id, data)
}

// Save implements Store.
func (s *SQL) Save(ctx context.Context, sess *Session, ttl time.Duration) error {
	data, err := encode(sess)
	if err != nil {
		return err
	}
	if err := s.db.SaveUserSessionData(ctx, sess.ID, sess.User, data, time.Now().Add(ttl)); err != nil {
		return fmt.Errorf("session: sql: %w", err)
	}
	return nil
}

// Touch implements Store. While the primary is down the error wraps
// ErrUnavailable: the session was read from a replica and stays usable.
func (s *SQL) Touch(ctx context.Context, sess *Session, ttl time.Duration) error {
	data, err := encode(sess)
	if err != nil {
		return err
	}
	err = s.db.TouchSessionData(ctx, sess.ID, data, time.Now().Add(ttl))
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("session: sql: %w", ErrNotFound)
	case store.IsUnavailable(err):
		return fmt.Errorf("session: sql: %w: %w", ErrUnavailable, err)
	default:
		return fmt.Errorf("session: sql: %w", err)
	}
}

// Delete implements Store.
func (s *SQL) Delete(ctx context.Context, id string) error {
	if err := s.db.DeleteSession(ctx, id); err != nil {
		return fmt.Errorf("session: sql: %w", err)
	}
	return nil
}

// Ping implements Store.
func (s *SQL) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// Cleanup deletes expired sessions in batches and returns how many it
// removed. One instance of the cluster runs it periodically.
func (s *SQL) Cleanup(ctx context.Context) (int64, error) {
	var total int64
	for {
		n, err := s.db.DeleteExpiredSessions(ctx, 1000)
		total += n
		if err != nil || n < 1000 {
			return total, err
		}
	}
}
