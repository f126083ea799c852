package handlers

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// LoginLimits bound failed logins, counted by every instance together.
// A zero limit turns that limit off.
type LoginLimits struct {
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

// SetLoginLimits replaces the login limits (on SIGHUP); requests already
// counting keep the old ones.
func (s *Server) SetLoginLimits(l LoginLimits) { s.loginLimits.Store(&l) }

// CurrentLoginLimits returns the login limits in force.
func (s *Server) CurrentLoginLimits() LoginLimits { return *s.loginLimits.Load() }

func userLimitKey(username string) string {
	return "user:" + strings.ToLower(strings.TrimSpace(username))
}

// ipLimitKey is the address, or its /64 for IPv6, where one subscriber
// usually holds a whole /64.
func ipLimitKey(ip string) string {
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

// loginWait returns how long this client or username must wait before the
// next login attempt, or 0. When the counter cannot be reached, logins are
// allowed (and logged): locking everybody out while Redis restarts would
// be worse than a few unlimited minutes.
func (s *Server) loginWait(ctx context.Context, ip, username string) time.Duration {
	limits := s.loginLimits.Load()
	if s.LoginFailures == nil {
		return 0
	}
	now := time.Now()
	var until time.Time
	for _, check := range []struct {
		key   string
		limit int
	}{{ipLimitKey(ip), limits.PerIP}, {userLimitKey(username), limits.PerUser}} {
		if check.limit <= 0 {
			continue
		}
		t, err := s.LoginFailures.LoginBlockedUntil(ctx, check.key, check.limit, limits.Window, now)
		if err != nil {
			s.Logger.WarnContext(ctx, "login rate limit: counter unavailable, allowing the attempt", "err", err)
			return 0
		}
		if t.After(until) {
			until = t
		}
	}
	return until.Sub(now)
}

// loginAttempt is an attempt counted as a failure before the mail server
// is asked, so that parallel attempts cannot all pass the limit before any
// of them is counted. A success takes its count back.
type loginAttempt struct {
	keys, ids []string
}

// reserveLoginAttempt counts this attempt against the client and the
// username, then checks the limits including it. It returns how long to
// wait when this attempt is one too many (it stays counted then).
func (s *Server) reserveLoginAttempt(ctx context.Context, ip, username string) (loginAttempt, time.Duration) {
	var a loginAttempt
	if s.LoginFailures == nil {
		return a, 0
	}
	limits := s.loginLimits.Load()
	now := time.Now()
	var until time.Time
	for _, check := range []struct {
		key   string
		limit int
	}{{ipLimitKey(ip), limits.PerIP}, {userLimitKey(username), limits.PerUser}} {
		id, err := s.LoginFailures.AddLoginFailure(ctx, check.key, now)
		if err != nil {
			s.Logger.WarnContext(ctx, "login rate limit: cannot count an attempt, allowing it", "err", err)
			continue
		}
		a.keys, a.ids = append(a.keys, check.key), append(a.ids, id)
		if check.limit <= 0 {
			continue
		}
		// limit failures are allowed; this attempt is limit+1-th if the
		// window already held limit of them.
		t, err := s.LoginFailures.LoginBlockedUntil(ctx, check.key, check.limit+1, limits.Window, now)
		if err != nil {
			s.Logger.WarnContext(ctx, "login rate limit: counter unavailable, allowing the attempt", "err", err)
			continue
		}
		if t.After(until) {
			until = t
		}
	}
	return a, until.Sub(now)
}

// release takes the attempt's counts back: it succeeded, or the mail
// server could not be asked, which is not the user's failure.
func (s *Server) releaseLoginAttempt(ctx context.Context, a loginAttempt) {
	for i, key := range a.keys {
		if err := s.LoginFailures.RemoveLoginFailure(ctx, key, a.ids[i]); err != nil {
			s.Logger.WarnContext(ctx, "login rate limit: cannot take back an attempt", "err", err)
		}
	}
}

// clearLoginFailures forgets the username's failures after a successful
// login; the client address keeps its count.
func (s *Server) clearLoginFailures(ctx context.Context, username string) {
	if s.LoginFailures == nil {
		return
	}
	if err := s.LoginFailures.ClearLoginFailures(ctx, userLimitKey(username)); err != nil {
		s.Logger.WarnContext(ctx, "login rate limit: cannot clear failures", "err", err)
	}
}

// tooManyAttempts is the message a limited login shows.
func tooManyAttempts(wait time.Duration) string {
	minutes := int((wait + time.Minute - 1) / time.Minute)
	if minutes <= 1 {
		return "Too many attempts. Try again in 1 minute."
	}
	return fmt.Sprintf("Too many attempts. Try again in %d minutes.", minutes)
}

// RedisFailures counts login failures in Redis sorted sets, one per key
// (hashed, so Redis holds no user names or addresses), scored by time.
type RedisFailures struct {
	client redis.UniversalClient
	prefix string
}

var _ FailureCounter = (*RedisFailures)(nil)

// redisFailureRetention is how long failures are kept at most; longer
// windows count only this far back.
const redisFailureRetention = 24 * time.Hour

// NewRedisFailures keeps failures under "<prefix>login:<hash>".
func NewRedisFailures(client redis.UniversalClient, prefix string) *RedisFailures {
	return &RedisFailures{client: client, prefix: prefix}
}

func (r *RedisFailures) key(k string) string {
	sum := sha256.Sum256([]byte(k))
	return r.prefix + "login:" + hex.EncodeToString(sum[:])
}

// AddLoginFailure implements FailureCounter.
func (r *RedisFailures) AddLoginFailure(ctx context.Context, key string, t time.Time) (string, error) {
	k := r.key(key)
	ms := t.UnixMilli()
	var nonce [8]byte
	rand.Read(nonce[:])
	member := strconv.FormatInt(ms, 10) + "-" + hex.EncodeToString(nonce[:])
	_, err := r.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAdd(ctx, k, redis.Z{Score: float64(ms), Member: member})
		p.ZRemRangeByScore(ctx, k, "-inf", "("+strconv.FormatInt(ms-redisFailureRetention.Milliseconds(), 10))
		p.PExpire(ctx, k, redisFailureRetention)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("handlers: redis login failures: %w", err)
	}
	return member, nil
}

// RemoveLoginFailure implements FailureCounter.
func (r *RedisFailures) RemoveLoginFailure(ctx context.Context, key, id string) error {
	if err := r.client.ZRem(ctx, r.key(key), id).Err(); err != nil {
		return fmt.Errorf("handlers: redis login failures: %w", err)
	}
	return nil
}

// LoginBlockedUntil implements FailureCounter: the limit-th newest failure
// within the window decides.
func (r *RedisFailures) LoginBlockedUntil(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (time.Time, error) {
	if limit <= 0 {
		return time.Time{}, nil
	}
	found, err := r.client.ZRevRangeByScoreWithScores(ctx, r.key(key), &redis.ZRangeBy{
		Max: "+inf", Min: "(" + strconv.FormatInt(now.Add(-window).UnixMilli(), 10),
		Offset: int64(limit - 1), Count: 1,
	}).Result()
	if err != nil {
		return time.Time{}, fmt.Errorf("handlers: redis login failures: %w", err)
	}
	if len(found) == 0 {
		return time.Time{}, nil
	}
	return time.UnixMilli(int64(found[0].Score)).Add(window), nil
}

// ClearLoginFailures implements FailureCounter.
func (r *RedisFailures) ClearLoginFailures(ctx context.Context, key string) error {
	if err := r.client.Del(ctx, r.key(key)).Err(); err != nil {
		return fmt.Errorf("handlers: redis login failures: %w", err)
	}
	return nil
}
