package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrNoUserIndex means the session store cannot list sessions by user.
var ErrNoUserIndex = errors.New("session: this store cannot list a user's sessions")

// UserIndex is a Store that can list the live sessions of one user, for
// the provisioning API (list and end a user's sessions). Every built-in
// store is one.
type UserIndex interface {
	// UserSessions returns user's live sessions (the login compared
	// case-insensitively), oldest first.
	UserSessions(ctx context.Context, user string) ([]*Session, error)
}

var (
	_ UserIndex = (*Memory)(nil)
	_ UserIndex = (*SQL)(nil)
	_ UserIndex = (*Redis)(nil)
)

// UserSessions lists user's live sessions, or ErrNoUserIndex.
func (m *Manager) UserSessions(ctx context.Context, user string) ([]*Session, error) {
	index, ok := m.store.(UserIndex)
	if !ok {
		return nil, ErrNoUserIndex
	}
	return index.UserSessions(ctx, user)
}

// EndUserSessions deletes every live session of user and returns how many
// it ended: their cookies are worthless from the next request on, on every
// instance.
func (m *Manager) EndUserSessions(ctx context.Context, user string) (int, error) {
	sessions, err := m.UserSessions(ctx, user)
	if err != nil {
		return 0, err
	}
	for i, s := range sessions {
		if err := m.store.Delete(ctx, s.ID); err != nil {
			return i, err
		}
	}
	return len(sessions), nil
}

func sameUser(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

func sortByCreation(sessions []*Session) {
	sort.Slice(sessions, func(i, j int) bool { return sessions[i].CreatedAt.Before(sessions[j].CreatedAt) })
}

// UserSessions implements UserIndex by scanning: the memory store is for
// one instance and tests.
func (m *Memory) UserSessions(_ context.Context, user string) ([]*Session, error) {
	m.mu.Lock()
	now := m.now()
	var out []*Session
	for id, e := range m.sessions {
		if !now.Before(e.expires) {
			continue
		}
		if s, err := decode(id, e.data); err == nil && sameUser(s.User, user) {
			out = append(out, s)
		}
	}
	m.mu.Unlock()
	sortByCreation(out)
	return out, nil
}

// UserSessions implements UserIndex with the sessions table's user_key
// column (indexed).
func (s *SQL) UserSessions(ctx context.Context, user string) ([]*Session, error) {
	ids, err := s.db.SessionIDsOfUser(ctx, user)
	if err != nil {
		return nil, fmt.Errorf("session: sql: %w", err)
	}
	var out []*Session
	for _, id := range ids {
		sess, err := s.Get(ctx, id)
		if IsNotFound(err) || errors.Is(err, ErrMalformed) {
			continue // ended or expired meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, sess)
	}
	sortByCreation(out)
	return out, nil
}

// userKey is the Redis set of a user's session IDs; hashed, so Redis holds
// no login names in its keys.
func (r *Redis) userKey(user string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(user))))
	return r.prefix + "user-sessions:" + hex.EncodeToString(sum[:])
}

// indexUser queues, on p, the session's entry in its user's set, which
// lives at least as long as the session: NX sets an expiry on a new set,
// GT only ever lengthens it (Redis 7). add is false for a refresh, which
// only lengthens. IDs of sessions that ended stay until listed.
func (r *Redis) indexUser(ctx context.Context, p redis.Pipeliner, s *Session, ttl time.Duration, add bool) {
	key := r.userKey(s.User)
	if add {
		p.SAdd(ctx, key, s.ID)
		p.ExpireNX(ctx, key, ttl)
	}
	p.ExpireGT(ctx, key, ttl)
}

// UserSessions implements UserIndex with the user's set, dropping the IDs
// of sessions that ended.
func (r *Redis) UserSessions(ctx context.Context, user string) ([]*Session, error) {
	key := r.userKey(user)
	ids, err := r.client.SMembers(ctx, key).Result()
	if err != nil {
		return nil, fmt.Errorf("session: redis user index: %w", err)
	}
	var out []*Session
	var gone []any
	for _, id := range ids {
		s, err := r.Get(ctx, id)
		if IsNotFound(err) || errors.Is(err, ErrMalformed) {
			gone = append(gone, id)
			continue
		}
		if err != nil {
			return nil, err
		}
		if sameUser(s.User, user) {
			out = append(out, s)
		}
	}
	if len(gone) > 0 {
		_ = r.client.SRem(ctx, key, gone...).Err()
	}
	sortByCreation(out)
	return out, nil
}
