package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/store"
)

// RedisLease is a lease in one Redis key: SET NX PX takes it, and a script
// that checks the owner extends or deletes it, so an instance can never
// extend or free a lease another instance took after its own expired.
type RedisLease struct {
	client redis.UniversalClient
	key    string
	owner  string
	ttl    time.Duration
}

// NewRedisLease returns a lease on key, held as owner (unique per process)
// for ttl at a time.
func NewRedisLease(client redis.UniversalClient, key, owner string, ttl time.Duration) *RedisLease {
	return &RedisLease{client: client, key: key, owner: owner, ttl: ttl}
}

var (
	renewScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)
	releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0`)
)

// Acquire implements Lease.
func (l *RedisLease) Acquire(ctx context.Context) (bool, error) {
	ok, err := l.client.SetNX(ctx, l.key, l.owner, l.ttl).Result()
	if err != nil {
		return false, fmt.Errorf("jobs: redis lease: %w", err)
	}
	return ok, nil
}

// Renew implements Lease.
func (l *RedisLease) Renew(ctx context.Context) (bool, error) {
	n, err := renewScript.Run(ctx, l.client, []string{l.key}, l.owner, l.ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("jobs: redis lease renew: %w", err)
	}
	return n == 1, nil
}

// Release implements Lease.
func (l *RedisLease) Release(ctx context.Context) error {
	if err := releaseScript.Run(ctx, l.client, []string{l.key}, l.owner).Err(); err != nil {
		return fmt.Errorf("jobs: redis lease release: %w", err)
	}
	return nil
}

// Holder implements Holder.
func (l *RedisLease) Holder(ctx context.Context) (string, error) {
	owner, err := l.client.Get(ctx, l.key).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("jobs: redis lease holder: %w", err)
	}
	return owner, nil
}

func (l *RedisLease) String() string { return "redis" }

// SQLLease is a lease on a MySQL/MariaDB named lock (GET_LOCK), held by a
// connection of its own: when the holder dies its connection closes and
// the server frees the lock; a holder whose connection breaks has lost it.
type SQLLease struct {
	db   *store.DB
	name string
	lock *store.Lock // touched by the runner's goroutine only
}

// NewSQLLease returns a lease on the named lock.
func NewSQLLease(db *store.DB, name string) *SQLLease {
	return &SQLLease{db: db, name: name}
}

// Acquire implements Lease.
func (l *SQLLease) Acquire(ctx context.Context) (bool, error) {
	if l.lock != nil {
		return true, nil
	}
	lock, err := l.db.TryLock(ctx, l.name)
	if errors.Is(err, store.ErrLockHeld) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("jobs: sql lease: %w", err)
	}
	l.lock = lock
	return true, nil
}

// Renew implements Lease. Any failure means the lock is gone: the server
// frees it as soon as its connection breaks, so another instance may hold
// it already.
func (l *SQLLease) Renew(ctx context.Context) (bool, error) {
	if l.lock == nil {
		return false, nil
	}
	if err := l.lock.Check(ctx); err != nil {
		l.drop(ctx)
		return false, nil
	}
	return true, nil
}

// Release implements Lease.
func (l *SQLLease) Release(ctx context.Context) error {
	if l.lock == nil {
		return nil
	}
	err := l.lock.Release(ctx)
	l.lock = nil
	return err
}

func (l *SQLLease) drop(ctx context.Context) {
	_ = l.lock.Release(ctx)
	l.lock = nil
}

func (l *SQLLease) String() string { return "mysql GET_LOCK" }

// LocalLease is always held: for a single instance on SQLite, where there
// is no cluster to coordinate with.
type LocalLease struct{}

// Acquire implements Lease.
func (LocalLease) Acquire(context.Context) (bool, error) { return true, nil }

// Renew implements Lease.
func (LocalLease) Renew(context.Context) (bool, error) { return true, nil }

// Release implements Lease.
func (LocalLease) Release(context.Context) error { return nil }

func (LocalLease) String() string { return "local" }
