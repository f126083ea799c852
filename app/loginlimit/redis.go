package loginlimit

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

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
		return "", fmt.Errorf("loginlimit: redis: %w", err)
	}
	return member, nil
}

// RemoveLoginFailure implements FailureCounter.
func (r *RedisFailures) RemoveLoginFailure(ctx context.Context, key, id string) error {
	if err := r.client.ZRem(ctx, r.key(key), id).Err(); err != nil {
		return fmt.Errorf("loginlimit: redis: %w", err)
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
		return time.Time{}, fmt.Errorf("loginlimit: redis: %w", err)
	}
	if len(found) == 0 {
		return time.Time{}, nil
	}
	return time.UnixMilli(int64(found[0].Score)).Add(window), nil
}

// CountLoginFailures implements FailureCounter.
func (r *RedisFailures) CountLoginFailures(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	n, err := r.client.ZCount(ctx, r.key(key), "("+strconv.FormatInt(now.Add(-window).UnixMilli(), 10), "+inf").Result()
	if err != nil {
		return 0, fmt.Errorf("loginlimit: redis: %w", err)
	}
	return int(n), nil
}

// ClearLoginFailures implements FailureCounter.
func (r *RedisFailures) ClearLoginFailures(ctx context.Context, key string) error {
	if err := r.client.Del(ctx, r.key(key)).Err(); err != nil {
		return fmt.Errorf("loginlimit: redis: %w", err)
	}
	return nil
}
