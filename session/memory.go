package session

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Memory keeps sessions in this process only. It is for a single instance
// and tests: behind a load balancer, the next request may reach an instance
// that does not know the session.
type Memory struct {
	mu       sync.Mutex
	sessions map[string]memoryEntry
	now      func() time.Time
}

type memoryEntry struct {
	data    []byte
	expires time.Time
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty in-process store.
func NewMemory() *Memory {
	return &Memory{sessions: map[string]memoryEntry{}, now: time.Now}
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, id string) (*Session, error) {
	m.mu.Lock()
	e, ok := m.sessions[id]
	if ok && !m.now().Before(e.expires) {
		delete(m.sessions, id)
		ok = false
	}
	m.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("session: memory: %w", ErrNotFound)
	}
	return decode(id, e.data)
}

// Save implements Store.
func (m *Memory) Save(_ context.Context, s *Session, ttl time.Duration) error {
	data, err := encode(s)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	// Sweep on write so a long-running instance does not accumulate
	// abandoned sessions.
	if len(m.sessions)%64 == 0 {
		for id, e := range m.sessions {
			if !now.Before(e.expires) {
				delete(m.sessions, id)
			}
		}
	}
	m.sessions[s.ID] = memoryEntry{data: data, expires: now.Add(ttl)}
	return nil
}

// Touch implements Store.
func (m *Memory) Touch(_ context.Context, s *Session, ttl time.Duration) error {
	data, err := encode(s)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	e, ok := m.sessions[s.ID]
	if !ok || !now.Before(e.expires) {
		return fmt.Errorf("session: memory: %w", ErrNotFound)
	}
	m.sessions[s.ID] = memoryEntry{data: data, expires: now.Add(ttl)}
	return nil
}

// Delete implements Store.
func (m *Memory) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	delete(m.sessions, id)
	m.mu.Unlock()
	return nil
}

// Ping implements Store.
func (m *Memory) Ping(context.Context) error { return nil }

// Len reports how many sessions are held, expired ones included until swept.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sessions)
}
