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
	// ListCacheBytes bounds the cache of sorted and threaded UID lists
	// the pool's connections share. 0 means DefaultListCacheBytes;
	// negative turns the cache off.
	ListCacheBytes int
	// LineCacheBytes bounds the cache of list lines (a message's subject,
	// addresses, date, size and flags) the pool's connections share. 0
	// means DefaultLineCacheBytes; negative turns the cache off.
	LineCacheBytes int
	// MaxWait bounds how long a request waits for a connection when the
	// user is at MaxPerUser (the request's own deadline may be shorter).
	// Default 15 seconds.
	MaxWait time.Duration
	// Dial opens a connection; default DialIMAP. Tests replace it.
	Dial func(ctx context.Context, ep Endpoint, username, password string, opts DialOptions) (*Client, error)
}

// PoolStats counts what a pool did, for metrics and benchmarks.
type PoolStats struct {
	Dialed, Reused, DialErrors, Discarded int64
	Open, Idle                            int
	// ListHits and ListMisses count the lists served from the cache of
	// sorted and threaded UIDs, and those asked of the server.
	ListHits, ListMisses int64
	// LineHits and LineMisses count the list lines found in the cache of
	// lines, and those fetched whole.
	LineHits, LineMisses int64
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
	lists *listCache // nil when turned off
	lines *lineCache // nil when turned off

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
	idle []idleConn
	open int // busy + idle
	// waiting are the requests waiting for a connection, oldest first.
	// A released connection, or a freed slot, goes to the oldest directly,
	// so waiters are served in order and none is woken for nothing.
	waiting []*poolWaiter
}

// poolWaiter is one request waiting for a user's connection. grant
// receives exactly one handover: a connection (client non-nil) or a free
// slot to dial in (client nil).
type poolWaiter struct {
	grant chan handover
	fresh bool // Dial: never take a handed-over connection, log in anew
}

// handover is what a waiter is given: a connection with its login time,
// or (client nil) a free slot.
type handover struct {
	client *Client
	opened time.Time
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
	if opts.MaxWait <= 0 {
		opts.MaxWait = 15 * time.Second
	}
	if opts.Dial == nil {
		opts.Dial = DialIMAP
	}
	if opts.ListCacheBytes == 0 {
		opts.ListCacheBytes = DefaultListCacheBytes
	}
	p := &Pool{opts: opts, users: map[poolKey]*userConns{}, done: make(chan struct{})}
	if opts.ListCacheBytes > 0 {
		p.lists = newListCache(opts.ListCacheBytes)
	}
	if opts.LineCacheBytes == 0 {
		opts.LineCacheBytes = DefaultLineCacheBytes
	}
	if opts.LineCacheBytes > 0 {
		p.lines = newLineCache(opts.LineCacheBytes)
		p.opts.LineCacheBytes = opts.LineCacheBytes
	}
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
	p.mu.Lock()
	select {
	case <-p.done:
		p.mu.Unlock()
		return nil, ErrPoolClosed
	default:
	}
	u := p.users[key]
	if u == nil {
		u = &userConns{}
		p.users[key] = u
	}
	if n := len(u.idle); n > 0 && !fresh {
		ic := u.idle[n-1] // most recent first: the likeliest to be alive
		u.idle = u.idle[:n-1]
		if !ic.client.Broken() && !p.tooOld(ic.opened) {
			p.mu.Unlock()
			p.reused.Add(1)
			ic.client.onLoan, ic.client.synced = true, false // a new request: its first command collects the news
			return &Conn{Client: ic.client, Reused: true, pool: p, key: key, opened: ic.opened}, nil
		}
		// A dead or retired idle connection: its slot is ours to dial in.
		p.mu.Unlock()
		p.discarded.Add(1)
		ic.client.Close()
		return p.dialInSlot(ctx, key, ep, username, password, opts)
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
		return p.dialInSlot(ctx, key, ep, username, password, opts)
	}
	w := &poolWaiter{grant: make(chan handover, 1), fresh: fresh}
	u.waiting = append(u.waiting, w)
	p.mu.Unlock()
	return p.await(ctx, key, w, ep, username, password, opts)
}

// await waits in line for a connection or a slot, for at most MaxWait.
func (p *Pool) await(ctx context.Context, key poolKey, w *poolWaiter, ep Endpoint, username, password string, opts DialOptions) (*Conn, error) {
	timer := time.NewTimer(p.opts.MaxWait)
	defer timer.Stop()
	var cause error
	select {
	case h := <-w.grant:
		return p.granted(ctx, key, h, w.fresh, ep, username, password, opts)
	case <-ctx.Done():
		cause = ctx.Err()
	case <-timer.C:
		cause = context.DeadlineExceeded
	case <-p.done:
		cause = ErrPoolClosed
	}
	if !p.leaveLine(key, w) {
		// Served while giving up: pass the handover on.
		if h := <-w.grant; h.client != nil {
			(&Conn{Client: h.client, pool: p, key: key, opened: h.opened}).Release()
		} else {
			p.drop(key, nil)
		}
	}
	if errors.Is(cause, ErrPoolClosed) {
		return nil, ErrPoolClosed
	}
	return nil, fmt.Errorf("mail: waiting for a free connection: %w: %w", ErrUnavailable, cause)
}

// granted turns a handover into a lent connection: the connection itself,
// or a login in the freed slot (also when the handed connection died, and
// always for Dial: a handed-over connection proves nothing about the
// password now).
func (p *Pool) granted(ctx context.Context, key poolKey, h handover, fresh bool, ep Endpoint, username, password string, opts DialOptions) (*Conn, error) {
	if h.client != nil && !fresh && !h.client.Broken() && !p.tooOld(h.opened) {
		p.reused.Add(1)
		h.client.onLoan, h.client.synced = true, false
		return &Conn{Client: h.client, Reused: true, pool: p, key: key, opened: h.opened}, nil
	}
	if h.client != nil {
		p.discarded.Add(1)
		h.client.Close()
	}
	return p.dialInSlot(ctx, key, ep, username, password, opts)
}

// leaveLine takes w out of the user's line; false means it was served
// already (its grant holds the handover).
func (p *Pool) leaveLine(key poolKey, w *poolWaiter) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	u := p.users[key]
	if u == nil {
		return false
	}
	for i, other := range u.waiting {
		if other == w {
			u.waiting = append(u.waiting[:i], u.waiting[i+1:]...)
			return true
		}
	}
	return false
}

// dialInSlot logs in using a slot already counted in open; a failed
// login frees the slot.
func (p *Pool) dialInSlot(ctx context.Context, key poolKey, ep Endpoint, username, password string, opts DialOptions) (*Conn, error) {
	client, err := p.opts.Dial(ctx, ep, username, password, opts)
	if err != nil {
		p.dialErrors.Add(1)
		p.drop(key, nil)
		return nil, err
	}
	p.dialed.Add(1)
	client.lists, client.lines, client.owner = p.lists, p.lines, key.endpoint+"\x00"+key.user
	client.onLoan, client.synced = true, false
	return &Conn{Client: client, pool: p, key: key, opened: time.Now()}, nil
}

// nextWaiter takes the oldest waiter out of u's line, if any. Called with
// p.mu held.
func (u *userConns) nextWaiter() *poolWaiter {
	if len(u.waiting) == 0 {
		return nil
	}
	w := u.waiting[0]
	u.waiting[0] = nil
	u.waiting = u.waiting[1:]
	return w
}

// Release gives the connection back: handed to the oldest waiting request
// of the same user, else kept for reuse; closed when broken.
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
	if w := u.nextWaiter(); w != nil {
		w.grant <- handover{c.Client, c.opened} // buffered: never blocks
		p.mu.Unlock()
		return
	}
	u.idle = append(u.idle, idleConn{client: c.Client, since: time.Now(), opened: c.opened})
	p.mu.Unlock()
}

// Discard closes the connection instead of returning it, for a connection
// whose state the caller no longer trusts.
func (c *Conn) Discard() { c.pool.drop(c.key, c.Client) }

// drop frees a slot (handing it to the oldest waiter, if any) and closes
// client (if any) outside the lock.
func (p *Pool) drop(key poolKey, client *Client) {
	p.mu.Lock()
	if u := p.users[key]; u != nil {
		if w := u.nextWaiter(); w != nil {
			w.grant <- handover{} // the slot passes on: open stays the same
		} else {
			u.open--
		}
		if u.open <= 0 && len(u.idle) == 0 && len(u.waiting) == 0 {
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
		if u.open <= 0 && len(u.idle) == 0 && len(u.waiting) == 0 {
			delete(p.users, key)
		}
	}
	p.mu.Unlock()
	closeAll(stale)
}

// Stats reports the pool's counters.
func (p *Pool) Stats() PoolStats {
	s := PoolStats{Dialed: p.dialed.Load(), Reused: p.reused.Load(), DialErrors: p.dialErrors.Load(), Discarded: p.discarded.Load()}
	if p.lists != nil {
		s.ListHits, s.ListMisses = p.lists.entries.hits.Load(), p.lists.entries.misses.Load()
	}
	if p.lines != nil {
		s.LineHits, s.LineMisses = p.lines.entries.hits.Load(), p.lines.entries.misses.Load()
	}
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
