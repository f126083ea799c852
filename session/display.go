package session

import (
	"context"
	"errors"
	"maps"
)

// SetDisplay writes display (Session.Display) into current and into every
// other live session of its user, so a theme saved on the laptop shows on
// the phone's next page too. Only a save calls it: pages read the
// settings from the session they load anyway. A store without a user index
// updates current alone. A request of the same user that loaded its
// session before this write and refreshes it (at most once a minute) may
// write the old settings back: rare, and mended by the next save or login.
func (m *Manager) SetDisplay(ctx context.Context, current *Session, display map[string]string) error {
	current.Display = maps.Clone(display)
	now := m.now()
	if err := m.store.Touch(ctx, current, m.ttl(current, now)); err != nil {
		return err
	}
	sessions, err := m.UserSessions(ctx, current.User)
	switch {
	case errors.Is(err, ErrNoUserIndex):
		return nil
	case err != nil:
		return err
	}
	for _, s := range sessions {
		if s.ID == current.ID || maps.Equal(s.Display, display) {
			continue
		}
		// The other session keeps its own expiry: a save on the laptop
		// must not keep a forgotten session on a shared computer alive.
		left := min(s.LastSeen.Add(m.idle).Sub(now), m.ttl(s, now))
		if left <= 0 {
			continue
		}
		s.Display = maps.Clone(display)
		if err := m.store.Touch(ctx, s, left); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}
