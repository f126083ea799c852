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

// RedisConfig says which Redis deployment holds the shared state: one
// server (URL), a primary found through Sentinels (Sentinels and
// MasterName), or a Cluster (Cluster). Exactly one should be set.
type RedisConfig struct {
	URL        string   // host:port or redis://[user:password@]host:port/db
	Sentinels  []string // Sentinel host:port addresses
	MasterName string   // the name the Sentinels monitor
	Cluster    []string // Cluster node host:port addresses
	Password   string   // for Sentinel-found and Cluster nodes
}

// Timeouts of every Redis client: short, so that an unreachable Redis shows
// as a quick 503 page instead of a hung request. go-redis reconnects on the
// next command, so service resumes by itself once Redis is back.
const (
	redisDialTimeout = 2 * time.Second
	redisIOTimeout   = time.Second
)

// RedisOptions turns a RedisConfig into go-redis options for
// redis.NewUniversalClient.
func RedisOptions(c RedisConfig) (*redis.UniversalOptions, error) {
	opts := &redis.UniversalOptions{
		Password:     c.Password,
		DialTimeout:  redisDialTimeout,
		ReadTimeout:  redisIOTimeout,
		WriteTimeout: redisIOTimeout,
	}
	switch {
	case len(c.Sentinels) > 0:
		if c.MasterName == "" {
			return nil, errors.New("session: Redis Sentinels need the master name")
		}
		opts.Addrs = c.Sentinels
		opts.MasterName = c.MasterName
	case len(c.Cluster) > 0:
		opts.Addrs = c.Cluster
		opts.IsClusterMode = true // even with a single seed address
	case strings.Contains(c.URL, "://"):
		parsed, err := redis.ParseURL(c.URL)
		if err != nil {
			// The URL may hold a password: never echo it.
			return nil, errors.New("session: WEBMAIL_REDIS is not a valid redis:// URL")
		}
		opts.Addrs = []string{parsed.Addr}
		opts.Username = parsed.Username
		if parsed.Password != "" {
			opts.Password = parsed.Password
		}
		opts.DB = parsed.DB
		opts.TLSConfig = parsed.TLSConfig
	case c.URL != "":
		opts.Addrs = []string{c.URL}
	default:
		return nil, errors.New("session: no Redis configured")
	}
	return opts, nil
}

// NewRedisClient connects to the deployment c describes: a single-node,
// Sentinel failover or Cluster client behind one interface.
func NewRedisClient(c RedisConfig) (redis.UniversalClient, error) {
	opts, err := RedisOptions(c)
	if err != nil {
		return nil, err
	}
	return redis.NewUniversalClient(opts), nil
}

// DescribeRedis names the deployment for logs, without credentials.
func DescribeRedis(c RedisConfig) string {
	switch {
	case len(c.Sentinels) > 0:
		return fmt.Sprintf("redis sentinel (master %s, %d sentinels)", c.MasterName, len(c.Sentinels))
	case len(c.Cluster) > 0:
		return fmt.Sprintf("redis cluster (%d seed nodes)", len(c.Cluster))
	default:
		return "redis"
	}
}

func (r *Redis) key(id string) string { return r.prefix + "session:" + id }

// Get implements Store.
func (r *Redis) Get(ctx context.Context, id string) (*Session, error) {
	data, err := r.client.Get(ctx, r.key(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("session: redis: %w", ErrNotFound)
	}
	if err != nil && strings.HasPrefix(err.Error(), "WRONGTYPE") {
		// Something other than a session's string sits under the key.
		return nil, fmt.Errorf("session: redis get: %w: %w", ErrMalformed, err)
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
	// One round trip: the session and its user's index.
	_, err = r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, r.key(s.ID), data, ttl)
		r.indexUser(ctx, p, s, ttl, true)
		return nil
	})
	if err != nil {
		return fmt.Errorf("session: redis set: %w", err)
	}
	return nil
}

// Touch implements Store. SET XX writes only a key that exists, in one
// command, so a logout between the read and the refresh stays done.
func (r *Redis) Touch(ctx context.Context, s *Session, ttl time.Duration) error {
	data, err := encode(s)
	if err != nil {
		return err
	}
	var set *redis.BoolCmd
	_, err = r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		set = p.SetXX(ctx, r.key(s.ID), data, ttl)
		// Only lengthens the index's life: harmless if the session is gone.
		r.indexUser(ctx, p, s, ttl, false)
		return nil
	})
	ok, setErr := set.Result()
	if err == nil {
		err = setErr
	}
	if err != nil {
		return fmt.Errorf("session: redis set xx: %w", err)
	}
	if !ok {
		return fmt.Errorf("session: redis: %w", ErrNotFound)
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
