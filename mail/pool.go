package mail

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// ErrPoolClosed is returned by Get after Close.
var ErrPoolClosed = errors.New("mail: pool closed")

// PoolOptions tunes a Pool.
type PoolOptions struct {
	// MaxPerUser bounds the connections one user holds on this instance,
	// busy and idle together. Servers limit connections per user and IP
	// (Dovecot's mail_max_userip_connections is 10), and every user behind
	// a webmail shares its IP. Default 4.
	MaxPerUser int
	// IdleTimeout closes connections unused this long. Default 5 minutes,
	// well under the 30 minutes after which IMAP servers may log out.
	IdleTimeout time.Duration
	// MaxAge retires connections this long after their login, busy or
	// idle, however often they are used. The pool key proves only the
	// password that worked at login: without an age limit a password
	// changed (or an account locked) on the mail server would not reach
	// the sessions still using the old one for as long as they stay busy.
	// Default 10 minutes.
	MaxAge time.Duration
	// Dial opens a connection; default DialIMAP. Tests replace it.
	Dial func(ctx context.Context, ep Endpoint, username, password string, opts DialOptions) (*Client, error)
}

// PoolStats counts what a pool did, for metrics and benchmarks.
type PoolStats struct {
	Dialed, Reused, DialErrors, Discarded int64
	Open, Idle                            int
}

// Pool keeps authenticated IMAP connections per user so requests reuse them
// instead of logging in each time (a login costs the server far more than
// a typical command). It is a cache: any instance can rebuild a connection
// from the session's credentials, and losing the pool loses nothing.
type Pool struct {
	opts  PoolOptions
	salt  [32]byte
	mu    sync.Mutex
	users map[poolKey]*userConns
	done  chan struct{}
	wg    sync.WaitGroup

	dialed, reused, dialErrors, discarded atomic.Int64
}

// poolKey names whose connections these are. The password is part of it,
// as a keyed hash, so a connection logged in with one password is never
// handed to a request that knows only another (for example after a
// password change on the server).
type poolKey struct {
	endpoint string
	user     string
	secret   [32]byte
}

type userConns struct {
	idle    []idleConn
	open    int           // busy + idle
	release chan struct{} // closed and replaced when a slot frees up
}

type idleConn struct {
	client *Client
	since  time.Time // idle since
	opened time.Time // logged in at
}

// NewPool starts a pool and its reaper of idle connections.
func NewPool(opts PoolOptions) *Pool {
	if opts.MaxPerUser <= 0 {
		opts.MaxPerUser = 4
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 5 * time.Minute
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 10 * time.Minute
	}
	if opts.Dial == nil {
		opts.Dial = DialIMAP
	}
	p := &Pool{opts: opts, users: map[poolKey]*userConns{}, done: make(chan struct{})}
	if _, err := rand.Read(p.salt[:]); err != nil {
		panic("mail: crypto/rand failed: " + err.Error())
	}
	p.wg.Add(1)
	go p.reap()
	return p
}

func (p *Pool) key(ep Endpoint, username, password string) poolKey {
	return connKey(p.salt, ep, username, password)
}

// connKey names a user's connections; the password enters only through a
// keyed hash with a per-process random salt.
func connKey(salt [32]byte, ep Endpoint, username, password string) poolKey {
	mac := hmac.New(sha256.New, salt[:])
	mac.Write([]byte(password))
	k := poolKey{endpoint: ep.String(), user: username}
	copy(k.secret[:], mac.Sum(nil))
	return k
}

// Conn is a connection lent by the pool. Release it exactly once.
type Conn struct {
	*Client
	// Reused tells whether the connection served an earlier request: if it
	// fails as Broken, the server may simply have dropped it while idle,
	// and a fresh connection is worth one retry.
	Reused bool
	pool   *Pool
	key    poolKey
	opened time.Time
}

// Get lends a connection for username: an idle one if there is one,
// otherwise a new login, waiting for a free slot when the user is at
// MaxPerUser.
func (p *Pool) Get(ctx context.Context, ep Endpoint, username, password string, opts DialOptions) (*Conn, error) {
	return p.lend(ctx, ep, username, password, opts, false)
}

// Dial lends a connection that logs in afresh, never an idle one: a login
// form uses it, because an idle connection proves only that the password
// worked when it was opened. It takes a slot like Get, closing the user's
// oldest idle connection when the user is at MaxPerUser.
func (p *Pool) Dial(ctx context.Context, ep Endpoint, username, password string, opts DialOptions) (*Conn, error) {
	return p.lend(ctx, ep, username, password, opts, true)
}

// lend is Get (fresh false) and Dial (fresh true).
func (p *Pool) lend(ctx context.Context, ep Endpoint, username, password string, opts DialOptions, fresh bool) (*Conn, error) {
	key := p.key(ep, username, password)
	for {
		p.mu.Lock()
		select {
		case <-p.done:
			p.mu.Unlock()
			return nil, ErrPoolClosed
		default:
		}
		u := p.users[key]
		if u == nil {
			u = &userConns{release: make(chan struct{})}
			p.users[key] = u
		}
		if n := len(u.idle); n > 0 && !fresh {
			ic := u.idle[n-1] // most recent first: the likeliest to be alive
			u.idle = u.idle[:n-1]
			p.mu.Unlock()
			if ic.client.Broken() || p.tooOld(ic.opened) {
				p.drop(key, ic.client)
				continue
			}
			p.reused.Add(1)
			return &Conn{Client: ic.client, Reused: true, pool: p, key: key, opened: ic.opened}, nil
		}
		var stale *Client
		if fresh && u.open >= p.opts.MaxPerUser && len(u.idle) > 0 {
			stale = u.idle[0].client // the oldest makes room
			u.idle = u.idle[1:]
			u.open--
		}
		if u.open < p.opts.MaxPerUser {
			u.open++
			p.mu.Unlock()
			if stale != nil {
				p.discarded.Add(1)
				go stale.Close()
			}
			client, err := p.opts.Dial(ctx, ep, username, password, opts)
			if err != nil {
				p.dialErrors.Add(1)
				p.drop(key, nil)
				return nil, err
			}
			p.dialed.Add(1)
			return &Conn{Client: client, pool: p, key: key, opened: time.Now()}, nil
		}
		wait := u.release
		p.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, fmt.Errorf("mail: waiting for a free connection: %w: %w", ErrUnavailable, ctx.Err())
		case <-p.done:
			return nil, ErrPoolClosed
		}
	}
}

// Release gives the connection back: kept for reuse when healthy, closed
// when broken.
func (c *Conn) Release() {
	p := c.pool
	if c.Client.Broken() || p.tooOld(c.opened) {
		p.drop(c.key, c.Client)
		return
	}
	p.mu.Lock()
	u := p.users[c.key]
	closed := false
	select {
	case <-p.done:
		closed = true
	default:
	}
	if closed || u == nil {
		p.mu.Unlock()
		c.Client.Close()
		return
	}
	u.idle = append(u.idle, idleConn{client: c.Client, since: time.Now(), opened: c.opened})
	u.signal()
	p.mu.Unlock()
}

// Discard closes the connection instead of returning it, for a connection
// whose state the caller no longer trusts.
func (c *Conn) Discard() { c.pool.drop(c.key, c.Client) }

func (u *userConns) signal() {
	close(u.release)
	u.release = make(chan struct{})
}

// drop frees a slot and closes client (if any) outside the lock.
func (p *Pool) drop(key poolKey, client *Client) {
	p.mu.Lock()
	if u := p.users[key]; u != nil {
		u.open--
		u.signal()
		if u.open <= 0 && len(u.idle) == 0 {
			delete(p.users, key)
		}
	}
	p.mu.Unlock()
	if client != nil {
		p.discarded.Add(1)
		client.Close()
	}
}

func (p *Pool) reap() {
	defer p.wg.Done()
	tick := time.NewTicker(p.opts.IdleTimeout / 4)
	defer tick.Stop()
	for {
		select {
		case <-p.done:
			return
		case now := <-tick.C:
			p.closeIdle(now.Add(-p.opts.IdleTimeout))
		}
	}
}

// tooOld reports whether a connection logged in at opened is past MaxAge.
func (p *Pool) tooOld(opened time.Time) bool {
	return time.Since(opened) >= p.opts.MaxAge
}

// closeIdle closes connections idle since before cutoff, and idle ones
// past MaxAge.
func (p *Pool) closeIdle(cutoff time.Time) {
	var stale []*Client
	p.mu.Lock()
	for key, u := range p.users {
		kept := u.idle[:0]
		for _, ic := range u.idle {
			if ic.since.Before(cutoff) || p.tooOld(ic.opened) {
				stale = append(stale, ic.client)
				u.open--
			} else {
				kept = append(kept, ic)
			}
		}
		u.idle = kept
		if u.open <= 0 && len(u.idle) == 0 {
			delete(p.users, key)
		}
	}
	p.mu.Unlock()
	closeAll(stale)
}

// Stats reports the pool's counters.
func (p *Pool) Stats() PoolStats {
	s := PoolStats{Dialed: p.dialed.Load(), Reused: p.reused.Load(), DialErrors: p.dialErrors.Load(), Discarded: p.discarded.Load()}
	p.mu.Lock()
	for _, u := range p.users {
		s.Open += u.open
		s.Idle += len(u.idle)
	}
	p.mu.Unlock()
	return s
}

// Close logs out every idle connection; busy ones are closed when released.
func (p *Pool) Close() {
	p.mu.Lock()
	select {
	case <-p.done:
		p.mu.Unlock()
		return
	default:
	}
	close(p.done)
	var idle []*Client
	for _, u := range p.users {
		for _, ic := range u.idle {
			idle = append(idle, ic.client)
		}
		u.open -= len(u.idle)
		u.idle = nil
	}
	p.mu.Unlock()
	p.wg.Wait()
	closeAll(idle)
}

// closeAll logs out clients in parallel: each may wait for its server.
func closeAll(clients []*Client) {
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Close()
		}()
	}
	wg.Wait()
}
