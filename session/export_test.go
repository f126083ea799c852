package session

import "time"

// SetClock replaces the manager's clock, for expiry tests.
func (m *Manager) SetClock(now func() time.Time) { m.now = now }
