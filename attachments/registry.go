package attachments

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// The registry is the one piece of package-level mutable state: backends add
// themselves from init(), like database/sql drivers, and are read-only after.
var (
	registryMu sync.RWMutex
	registry   = map[string]Factory{}
)

// Register makes a backend available under name. It is meant to be called
// from init(); it panics if f is nil, name is empty or name is already taken,
// because either is a programming error that must not reach production.
func Register(name string, f Factory) {
	if name == "" {
		panic("attachments: Register with an empty name")
	}
	if f == nil {
		panic(fmt.Sprintf("attachments: Register %q with a nil factory", name))
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[name]; dup {
		panic(fmt.Sprintf("attachments: Register called twice for backend %q", name))
	}
	registry[name] = f
}

// Open opens the backend registered under name. An unknown name fails with
// an error wrapping ErrUnknownBackend that lists the registered names.
func Open(ctx context.Context, name string, cfg Config) (Store, error) {
	registryMu.RLock()
	f, ok := registry[name]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w %q (registered: %s)", ErrUnknownBackend, name, strings.Join(Backends(), ", "))
	}
	store, err := f(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("attachments: open %q: %w", name, err)
	}
	return store, nil
}

// Backends returns the names of the registered backends, sorted.
func Backends() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for name := range registry {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
