package plugins

import (
	"fmt"
	"regexp"
	"slices"
	"sync"
)

// Factory builds an enabled plugin from its settings. It reads every
// setting through cfg (which records what is missing or malformed) and
// returns an error only for what cfg cannot say; the plugin returned is
// then checked for the hook interfaces it implements.
type Factory func(cfg *Config) (any, error)

// The registry is package-level state on purpose, like database/sql's
// drivers: plugins add themselves from init(), and it is read-only after.
var (
	registryMu sync.RWMutex
	registry   = map[string]Factory{}
)

// validName is what a plugin may be called: it is part of a URL path
// (/plugins/<name>/), a metric label and an environment variable name.
var validName = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Register makes a plugin available under name (lower-case letters, digits
// and single dashes). It is meant for init(); it panics on a bad name, a
// nil factory or a name already taken, programming errors that must not
// reach production.
func Register(name string, f Factory) {
	if !validName.MatchString(name) {
		panic(fmt.Sprintf("plugins: Register: %q is not a plugin name (lower-case letters, digits and dashes)", name))
	}
	if f == nil {
		panic(fmt.Sprintf("plugins: Register %q with a nil factory", name))
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[name]; dup {
		panic(fmt.Sprintf("plugins: Register called twice for plugin %q", name))
	}
	registry[name] = f
}

// Registered returns the names of the plugins compiled in, sorted.
func Registered() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for name := range registry {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func factory(name string) (Factory, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	f, ok := registry[name]
	return f, ok
}
