package loginlimit

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"
)

// Limits bound failed logins, counted by every instance together. A zero
// limit turns that limit off.
type Limits struct {
	PerUser int           // failures per username within Window
	PerIP   int           // failures per client address (IPv6: per /64) within Window
	Window  time.Duration // the sliding window
}

// FailureCounter counts failed logins per key in a sliding window, in a
// store every instance shares: Redis (RedisFailures) or SQL (store.DB).
type FailureCounter interface {
	// AddLoginFailure records a failure of key at t and returns its ID.
	AddLoginFailure(ctx context.Context, key string, t time.Time) (string, error)
	// RemoveLoginFailure takes back the failure with that ID.
	RemoveLoginFailure(ctx context.Context, key, id string) error
	// LoginBlockedUntil returns when key will have fewer than limit
	// failures within window, or the zero time if it has fewer now.
	LoginBlockedUntil(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (time.Time, error)
	// ClearLoginFailures forgets key's failures.
	ClearLoginFailures(ctx context.Context, key string) error
}

// Limiter applies Limits with a FailureCounter. It is safe for concurrent
// use; SetLimits replaces the limits while requests run (SIGHUP).
type Limiter struct {
	counter FailureCounter // nil: no limits
	logger  *slog.Logger
	limits  atomic.Pointer[Limits]
}

// New returns a limiter counting with counter (nil: every login allowed).
func New(counter FailureCounter, limits Limits, logger *slog.Logger) *Limiter {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	l := &Limiter{counter: counter, logger: logger}
	l.SetLimits(limits)
	return l
}

// SetLimits replaces the limits; requests already counting keep the old
// ones.
func (l *Limiter) SetLimits(limits Limits) { l.limits.Store(&limits) }

// Limits returns the limits in force.
func (l *Limiter) Limits() Limits { return *l.limits.Load() }

// Attempt is an attempt counted as a failure before the mail server is
// asked. A success (or a mail server that could not be asked) takes its
// count back with Release.
type Attempt struct {
	keys, ids []string
}

// check is one limit applied to one key.
type check struct {
	key   string
	limit int
}

func (l *Limiter) checks(limits *Limits, ip, username string) []check {
	return []check{{ipKey(ip), limits.PerIP}, {userKey(username), limits.PerUser}}
}

// Wait returns how long this client or username must wait before the next
// login attempt, or 0.
func (l *Limiter) Wait(ctx context.Context, ip, username string) time.Duration {
	if l.counter == nil {
		return 0
	}
	limits := l.limits.Load()
	now := time.Now()
	var until time.Time
	for _, c := range l.checks(limits, ip, username) {
		if c.limit <= 0 {
			continue
		}
		t, err := l.counter.LoginBlockedUntil(ctx, c.key, c.limit, limits.Window, now)
		if err != nil {
			l.logger.WarnContext(ctx, "login rate limit: counter unavailable, allowing the attempt", "err", err)
			return 0
		}
		if t.After(until) {
			until = t
		}
	}
	return until.Sub(now)
}

// Reserve counts this attempt against the client and the username, then
// checks the limits including it. It returns how long to wait when this
// attempt is one too many (it stays counted then).
func (l *Limiter) Reserve(ctx context.Context, ip, username string) (Attempt, time.Duration) {
	var a Attempt
	if l.counter == nil {
		return a, 0
	}
	limits := l.limits.Load()
	now := time.Now()
	var until time.Time
	for _, c := range l.checks(limits, ip, username) {
		id, err := l.counter.AddLoginFailure(ctx, c.key, now)
		if err != nil {
			l.logger.WarnContext(ctx, "login rate limit: cannot count an attempt, allowing it", "err", err)
			continue
		}
		a.keys, a.ids = append(a.keys, c.key), append(a.ids, id)
		if c.limit <= 0 {
			continue
		}
		// limit failures are allowed; this attempt is limit+1-th if the
		// window already held limit of them.
		t, err := l.counter.LoginBlockedUntil(ctx, c.key, c.limit+1, limits.Window, now)
		if err != nil {
			l.logger.WarnContext(ctx, "login rate limit: counter unavailable, allowing the attempt", "err", err)
			continue
		}
		if t.After(until) {
			until = t
		}
	}
	return a, until.Sub(now)
}

// Release takes the attempt's counts back: it succeeded, or the mail
// server could not be asked, which is not the user's failure.
func (l *Limiter) Release(ctx context.Context, a Attempt) {
	for i, key := range a.keys {
		if err := l.counter.RemoveLoginFailure(ctx, key, a.ids[i]); err != nil {
			l.logger.WarnContext(ctx, "login rate limit: cannot take back an attempt", "err", err)
		}
	}
}

// Clear forgets the username's failures after a successful login; the
// client address keeps its count.
func (l *Limiter) Clear(ctx context.Context, username string) {
	if l.counter == nil {
		return
	}
	if err := l.counter.ClearLoginFailures(ctx, userKey(username)); err != nil {
		l.logger.WarnContext(ctx, "login rate limit: cannot clear failures", "err", err)
	}
}

// TooManyAttempts is the message a limited login shows.
func TooManyAttempts(wait time.Duration) string {
	minutes := int((wait + time.Minute - 1) / time.Minute)
	if minutes <= 1 {
		return "Too many attempts. Try again in 1 minute."
	}
	return fmt.Sprintf("Too many attempts. Try again in %d minutes.", minutes)
}

func userKey(username string) string {
	return "user:" + strings.ToLower(strings.TrimSpace(username))
}

// ipKey is the address, or its /64 for IPv6, where one subscriber usually
// holds a whole /64.
func ipKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return "ip:" + ip
	}
	addr = addr.Unmap()
	if addr.Is6() {
		prefix, _ := addr.Prefix(64)
		return "ip:" + prefix.String()
	}
	return "ip:" + addr.String()
}
