package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis keeps sessions in Redis under a key prefix, each key expiring with
// the session's TTL, so every instance sees the same sessions and Redis
// itself forgets abandoned ones.
type Redis struct {
	client redis.UniversalClient
	prefix string
}

var _ Store = (*Redis)(nil)

// NewRedis uses client with keys "<prefix>session:<id>".
func NewRedis(client redis.UniversalClient, prefix string) *Redis {
	return &Redis{client: client, prefix: prefix}
}

// RedisOptions parses WEBMAIL_REDIS: "host:port" or a redis:// or rediss://
// URL.
func RedisOptions(addr string) (*redis.UniversalOptions, error) {
	if strings.Contains(addr, "://") {
		opt, err := redis.ParseURL(addr)
		if err != nil {
			return nil, errors.New("session: WEBMAIL_REDIS is not a valid redis:// URL")
		}
		return &redis.UniversalOptions{
			Addrs:     []string{opt.Addr},
			Username:  opt.Username,
			Password:  opt.Password,
			DB:        opt.DB,
			TLSConfig: opt.TLSConfig,
		}, nil
	}
	return &redis.UniversalOptions{Addrs: []string{addr}}, nil
}

func (r *Redis) key(id string) string { return r.prefix + "session:" + id }

// Get implements Store.
func (r *Redis) Get(ctx context.Context, id string) (*Session, error) {
	data, err := r.client.Get(ctx, r.key(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("session: redis: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("session: redis get: %w", err)
	}
	return decode(id, data)
}

// Save implements Store.
func (r *Redis) Save(ctx context.Context, s *Session, ttl time.Duration) error {
	data, err := encode(s)
	if err != nil {
		return err
	}
	if err := r.client.Set(ctx, r.key(s.ID), data, ttl).Err(); err != nil {
		return fmt.Errorf("session: redis set: %w", err)
	}
	return nil
}

// Delete implements Store.
func (r *Redis) Delete(ctx context.Context, id string) error {
	if err := r.client.Del(ctx, r.key(id)).Err(); err != nil {
		return fmt.Errorf("session: redis del: %w", err)
	}
	return nil
}

// Ping implements Store.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("session: redis ping: %w", err)
	}
	return nil
}
