package plugins

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
)

// HookTimeout is the deadline of one hook call. A hook that takes longer is
// abandoned (its context is cancelled) and counted as a failure.
const HookTimeout = 5 * time.Second

// Plugin is an enabled plugin.
type Plugin struct {
	Name  string
	Value any // what the factory returned
}

// Host holds the enabled plugins, in the order of WEBMAIL_PLUGINS, and
// calls their hooks safely. A nil *Host has no plugins. It is safe for
// concurrent use.
type Host struct {
	plugins []Plugin
	logger  *slog.Logger
	timeout time.Duration

	mu       sync.Mutex
	failures map[FailureKey]int64
}

// FailureKey names a hook of a plugin, for the failure counts.
type FailureKey struct{ Plugin, Hook string }

// Options are what Load builds the plugins from.
type Options struct {
	// Names are the plugins to enable, in order (WEBMAIL_PLUGINS).
	Names []string
	// Vars are the WEBMAIL_PLUGIN_* variables by full name.
	Vars map[string]string
	// Logger is for the plugins (Config.Logger) and the host; nil: none.
	Logger *slog.Logger
	// Instance names this instance (WEBMAIL_INSTANCE).
	Instance string
	// Domains lists the domain table's domains; nil: none.
	Domains DomainSource
}

// DomainSource lists the mail domains of the domain table.
type DomainSource interface {
	DomainNames(ctx context.Context) ([]string, error)
}

// Load builds the enabled plugins. Every problem (an unknown or repeated
// name, a bad setting of any plugin, a setting no plugin reads) is
// reported at once in the error.
func Load(opts Options) (*Host, error) {
	names, vars, logger := opts.Names, opts.Vars, opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
		opts.Logger = logger
	}
	h := &Host{logger: logger, timeout: HookTimeout, failures: map[FailureKey]int64{}}
	var problems []string
	seen := map[string]bool{}
	for _, name := range names {
		f, ok := factory(name)
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("WEBMAIL_PLUGINS: no plugin %q is compiled in (compiled in: %s)", name, strings.Join(Registered(), ", ")))
			continue
		case seen[name]:
			problems = append(problems, fmt.Sprintf("WEBMAIL_PLUGINS: %q is listed twice", name))
			continue
		}
		seen[name] = true
		cfg := NewConfig(name, SettingsOf(name, vars))
		cfg.env = opts
		value, err := f(cfg)
		problems = append(problems, cfg.Problems()...)
		if err != nil {
			problems = append(problems, fmt.Sprintf("plugin %s: %v", name, err))
		}
		jobProblems := checkJobs(name, value)
		problems = append(problems, jobProblems...)
		if err == nil && len(cfg.Problems()) == 0 && len(jobProblems) == 0 {
			h.plugins = append(h.plugins, Plugin{Name: name, Value: value})
		}
	}
	var unknown []string
	for k := range vars {
		if ownerOf(k) == "" {
			unknown = append(unknown, k+": no plugin compiled in has this setting")
		}
	}
	slices.Sort(unknown)
	if problems = append(problems, unknown...); len(problems) > 0 {
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = errors.New("plugins: " + p)
		}
		return nil, errors.Join(errs...)
	}
	return h, nil
}

// Plugins returns the enabled plugins in order.
func (h *Host) Plugins() []Plugin {
	if h == nil {
		return nil
	}
	return slices.Clone(h.plugins)
}

// SetTimeout changes the hook deadline (tests).
func (h *Host) SetTimeout(d time.Duration) { h.timeout = d }

// Failures returns how often each hook failed (error, panic or deadline).
func (h *Host) Failures() map[FailureKey]int64 {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[FailureKey]int64, len(h.failures))
	for k, v := range h.failures {
		out[k] = v
	}
	return out
}

// PrefKey is the preference key of a plugin's user setting.
func PrefKey(plugin, key string) string { return "plugin." + plugin + "." + key }

// errPanic and errDeadline are the failures call reports besides a hook's
// own errors.
var (
	errPanic    = errors.New("plugins: hook panicked")
	errDeadline = errors.New("plugins: hook missed its deadline")
)

// call runs fn for plugin p's hook with the deadline, recovering a panic.
// A failure other than a *Veto is logged and counted; call returns the
// hook's error (a *Veto, or something the caller must ignore).
func (h *Host) call(ctx context.Context, p Plugin, hook string, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				h.logger.ErrorContext(ctx, "plugin hook panicked", "plugin", p.Name, "hook", hook, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				done <- errPanic
			}
		}()
		done <- fn(ctx)
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = errDeadline
	}
	var veto *Veto
	if err == nil || errors.As(err, &veto) {
		return err
	}
	if !errors.Is(err, errPanic) {
		h.logger.ErrorContext(ctx, "plugin hook failed", "plugin", p.Name, "hook", hook, "err", err)
	}
	h.countFailure(p.Name, hook)
	return err
}

func (h *Host) countFailure(plugin, hook string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures[FailureKey{Plugin: plugin, Hook: hook}]++
}

// Recover wraps a plugin's route handler: a panic answers 500 and is
// counted like a hook's.
func (h *Host) Recover(p Plugin, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				h.logger.ErrorContext(r.Context(), "plugin route panicked", "plugin", p.Name, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				h.countFailure(p.Name, "routes")
				http.Error(w, "This page failed. Please try again later.", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// checkJobs checks a plugin's jobs at start, where a bad one stops the
// instance with a message rather than a panic of the job runner.
func checkJobs(name string, value any) (problems []string) {
	hook, ok := value.(Jobs)
	if !ok {
		return nil
	}
	defer func() {
		if v := recover(); v != nil {
			problems = append(problems, fmt.Sprintf("plugin %s: Jobs panicked: %v", name, v))
		}
	}()
	seen := map[string]bool{}
	for _, j := range hook.Jobs() {
		switch {
		case !validName.MatchString(j.Name) || seen[j.Name]:
			problems = append(problems, fmt.Sprintf("plugin %s: job %q needs a unique name of lower-case letters, digits and dashes", name, j.Name))
		case j.Every <= 0 || j.Run == nil:
			problems = append(problems, fmt.Sprintf("plugin %s: job %q needs a positive Every and a Run function", name, j.Name))
		}
		seen[j.Name] = true
	}
	return problems
}
