package loginlimit

import (
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"
)

// Limits bound failed logins, counted by every instance together. A zero
// limit turns that limit off.
//
// No limit locks a user out for everybody: a guesser's failures refuse
// the guesser's own network (PerUser) or address (PerIP); failures from
// everywhere together only slow down (SlowAfter) the attempts that come
// from a device the user has not signed in from.
type Limits struct {
	// PerUser is the failures allowed per username from one client
	// network (IPv4 /24, IPv6 /48), or from one known device, within
	// Window; further attempts from there for that user are refused.
	PerUser int
	PerIP   int // failures per client address (IPv6: per /64) within Window
	// SlowAfter is the failures per username, from everywhere, within
	// Window, after which every attempt for that user without its device
	// cookie is held before it is tried: 0.5 s after the first one more,
	// doubling with each, at most MaxDelay.
	SlowAfter int
	MaxDelay  time.Duration // the longest hold; 0 means DefaultMaxDelay
	Window    time.Duration // the sliding window
}

// DefaultMaxDelay is the longest a slowed-down attempt is held when
// Limits.MaxDelay is 0: long enough to make guessing from many networks
// slow, short enough that the user who types the right password waits a
// few seconds, not minutes.
const DefaultMaxDelay = 10 * time.Second

// firstDelay is the hold of the first attempt over Limits.SlowAfter.
const firstDelay = 500 * time.Millisecond

// Delay is how long an attempt is held when its username has failures
// failed logins within the window (this attempt included).
func (l Limits) Delay(failures int) time.Duration {
	if l.SlowAfter <= 0 || failures <= l.SlowAfter {
		return 0
	}
	maxDelay := l.MaxDelay
	if maxDelay <= 0 {
		maxDelay = DefaultMaxDelay
	}
	excess := failures - l.SlowAfter - 1
	if excess >= 30 {
		return maxDelay
	}
	return min(firstDelay<<excess, maxDelay)
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
	// CountLoginFailures returns key's failures within window.
	CountLoginFailures(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)
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

// Login is one login attempt as the limits see it.
type Login struct {
	IP       string // the client address
	Username string
	// Device identifies the browser by its device cookie, verified for
	// this username (session.Manager.DeviceID); "" for a device the user
	// has not signed in from.
	Device string
}

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

// locks are the limits that refuse an attempt: the client address, and
// the username from this network or this known device. A known device is
// counted apart from its network, so a guesser behind the same NAT cannot
// lock its owner out.
func (l *Limiter) locks(limits *Limits, in Login) []check {
	origin := userNetworkKey(in.Username, in.IP)
	if in.Device != "" {
		origin = userDeviceKey(in.Username, in.Device)
	}
	return []check{{ipKey(in.IP), limits.PerIP}, {origin, limits.PerUser}}
}

// Wait returns how long this client must wait before its next login
// attempt for this username, or 0.
func (l *Limiter) Wait(ctx context.Context, in Login) time.Duration {
	if l.counter == nil {
		return 0
	}
	limits := l.limits.Load()
	now := time.Now()
	var until time.Time
	for _, c := range l.locks(limits, in) {
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

// Reserve counts this attempt against the client, the username from this
// network or device, and the username, then checks the limits including
// it. It returns how long to wait when this attempt is one too many for
// the client or the username from here (it stays counted then), and else
// how long to hold the attempt before trying it: the slow-down for a
// username many have failed for, which a known device skips.
func (l *Limiter) Reserve(ctx context.Context, in Login) (a Attempt, wait, hold time.Duration) {
	if l.counter == nil {
		return a, 0, 0
	}
	limits := l.limits.Load()
	now := time.Now()
	var until time.Time
	user := userKey(in.Username)
	for _, c := range append(l.locks(limits, in), check{key: user}) {
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
	if until.After(now) {
		return a, until.Sub(now), 0
	}
	if in.Device != "" || limits.SlowAfter <= 0 {
		return a, 0, 0
	}
	failures, err := l.counter.CountLoginFailures(ctx, user, limits.Window, now)
	if err != nil {
		l.logger.WarnContext(ctx, "login rate limit: counter unavailable, not slowing the attempt", "err", err)
		return a, 0, 0
	}
	return a, 0, limits.Delay(failures)
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

// Clear forgets, after a successful login, the username's failures and
// those from where it succeeded; the client address keeps its count, and
// the username's failures from other networks keep refusing them.
func (l *Limiter) Clear(ctx context.Context, in Login) {
	if l.counter == nil {
		return
	}
	for _, c := range l.locks(l.limits.Load(), in)[1:] {
		if err := l.counter.ClearLoginFailures(ctx, c.key); err != nil {
			l.logger.WarnContext(ctx, "login rate limit: cannot clear failures", "err", err)
		}
	}
	if err := l.counter.ClearLoginFailures(ctx, userKey(in.Username)); err != nil {
		l.logger.WarnContext(ctx, "login rate limit: cannot clear failures", "err", err)
	}
}

// WaitMinutes is wait in whole minutes, rounded up, at least 1: what a
// limited login tells the user to wait.
func WaitMinutes(wait time.Duration) int {
	return max(1, int((wait+time.Minute-1)/time.Minute))
}

func userKey(username string) string {
	return "user:" + normalUser(username)
}

func normalUser(username string) string {
	return strings.ToLower(strings.TrimSpace(username))
}

// userNetworkKey counts a username's failures from one client network:
// an IPv4 /24 or an IPv6 /48, what one guesser typically holds, so that
// hopping addresses inside it does not reset the count.
func userNetworkKey(username, ip string) string {
	network := ip
	if addr, err := netip.ParseAddr(ip); err == nil {
		addr = addr.Unmap()
		bits := 24
		if addr.Is6() {
			bits = 48
		}
		prefix, _ := addr.Prefix(bits)
		network = prefix.String()
	}
	return "usernet:" + normalUser(username) + "|" + network
}

// userDeviceKey counts a username's failures from one known device.
func userDeviceKey(username, device string) string {
	return "userdev:" + normalUser(username) + "|" + device
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
