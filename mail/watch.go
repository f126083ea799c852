package mail

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
)

// MailboxStatus is what a Watcher reports: the counts of a mailbox.
type MailboxStatus struct {
	Mailbox  string `json:"mailbox"`
	Messages uint32 `json:"messages"`
	Unseen   uint32 `json:"unseen"`
}

// WatcherOptions tunes a Watcher.
type WatcherOptions struct {
	// PollInterval is how often a server without IDLE is asked. Default 30s.
	PollInterval time.Duration
	// IdleRefresh bounds one IDLE: the counts are read again at least this
	// often even when the server reports nothing, a safety net for servers
	// that lose a change made just before IDLE began (go-imap's own
	// in-memory server can). Default 2 minutes.
	IdleRefresh time.Duration
	// DisableIdle polls even when the server offers IDLE, for servers or
	// proxies whose IDLE misbehaves.
	DisableIdle bool
	// Debounce waits this long after the server reports a change before
	// asking for counts, so a burst of deliveries makes one update.
	// Default 300ms.
	Debounce time.Duration
	// Dial opens a connection; default DialIMAP.
	Dial   func(ctx context.Context, ep Endpoint, username, password string, opts DialOptions) (*Client, error)
	Logger *slog.Logger
}

// Watcher tells subscribers when a user's INBOX changes, from one IMAP
// connection per user on this instance however many browser tabs listen:
// IDLE where the server has it (push), polling STATUS where it does not.
// Like the pool it is a cache of connections; a browser's event stream may
// reach any instance, which then watches on its own.
type Watcher struct {
	opts WatcherOptions
	salt [32]byte
	mu   sync.Mutex
	hubs map[poolKey]*watchHub
}

type watchHub struct {
	subs   map[chan MailboxStatus]struct{}
	last   *MailboxStatus
	cancel context.CancelFunc
}

// NewWatcher returns a watcher with no connections yet.
func NewWatcher(opts WatcherOptions) *Watcher {
	if opts.PollInterval <= 0 {
		opts.PollInterval = 30 * time.Second
	}
	if opts.IdleRefresh <= 0 {
		opts.IdleRefresh = 2 * time.Minute
	}
	if opts.Debounce <= 0 {
		opts.Debounce = 300 * time.Millisecond
	}
	if opts.Dial == nil {
		opts.Dial = DialIMAP
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	w := &Watcher{opts: opts, hubs: map[poolKey]*watchHub{}}
	if _, err := rand.Read(w.salt[:]); err != nil {
		panic("mail: crypto/rand failed: " + err.Error())
	}
	return w
}

// Watch subscribes to the INBOX counts of username. The channel receives
// the current counts as soon as they are known, then every change; it is
// closed when the watch ends for good (the password stopped working).
// Call stop when done listening.
func (w *Watcher) Watch(ep Endpoint, username, password string, opts DialOptions) (updates <-chan MailboxStatus, stop func()) {
	key := connKey(w.salt, ep, username, password)
	ch := make(chan MailboxStatus, 4)
	w.mu.Lock()
	h := w.hubs[key]
	if h == nil {
		ctx, cancel := context.WithCancel(context.Background())
		h = &watchHub{subs: map[chan MailboxStatus]struct{}{}, cancel: cancel}
		w.hubs[key] = h
		go w.run(ctx, key, h, ep, username, password, opts)
	}
	h.subs[ch] = struct{}{}
	if h.last != nil {
		ch <- *h.last
	}
	w.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			if _, ok := h.subs[ch]; !ok {
				return // closed by the hub already
			}
			delete(h.subs, ch)
			close(ch)
			if len(h.subs) == 0 && w.hubs[key] == h {
				h.cancel()
				delete(w.hubs, key)
			}
		})
	}
}

// Watching reports how many users this instance watches.
func (w *Watcher) Watching() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.hubs)
}

// publish sends st to every subscriber when it differs from the last one.
// A subscriber that does not keep up loses the oldest news, never blocks
// the hub.
func (w *Watcher) publish(h *watchHub, st MailboxStatus) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if h.last != nil && *h.last == st {
		return
	}
	h.last = &st
	for ch := range h.subs {
		select {
		case ch <- st:
		default:
			select {
			case <-ch:
			default:
			}
			ch <- st
		}
	}
}

// end closes every subscriber: the watch cannot go on.
func (w *Watcher) end(key poolKey, h *watchHub) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch := range h.subs {
		close(ch)
		delete(h.subs, ch)
	}
	if w.hubs[key] == h {
		delete(w.hubs, key)
	}
	h.cancel()
}

// run keeps one connection watching, redialing with backoff after errors,
// until the last subscriber leaves.
func (w *Watcher) run(ctx context.Context, key poolKey, h *watchHub, ep Endpoint, username, password string, opts DialOptions) {
	backoff := time.Second
	for ctx.Err() == nil {
		changed := make(chan struct{}, 1)
		opts.OnUpdate = func() {
			select {
			case changed <- struct{}{}:
			default:
			}
		}
		client, err := w.opts.Dial(ctx, ep, username, password, opts)
		if errors.Is(err, ErrAuthFailed) {
			w.opts.Logger.Info("mail: watch ends: login refused", "user", username)
			w.end(key, h)
			return
		}
		if err == nil {
			backoff = time.Second
			err = w.watch(ctx, client, h, changed)
			client.Close()
		}
		if ctx.Err() != nil {
			return
		}
		w.opts.Logger.Warn("mail: watch interrupted; reconnecting", "user", username, "in", backoff, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, time.Minute)
	}
}

// watch publishes INBOX counts, then waits for the server to report a
// change (IDLE) or for the poll interval, until ctx ends or an error.
func (w *Watcher) watch(ctx context.Context, c *Client, h *watchHub, changed chan struct{}) error {
	canIdle := !w.opts.DisableIdle && (c.imap.Caps().Has(imap.CapIdle) || c.imap.Caps().Has(imap.CapIMAP4rev2))
	if canIdle {
		// IDLE reports changes of the selected mailbox; read-only so
		// watching never changes \Recent or flags.
		err := c.do(ctx, "examine INBOX", func() error {
			_, err := c.imap.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
			return err
		})
		if err != nil {
			return err
		}
	}
	for {
		st, err := c.inboxStatus(ctx)
		if err != nil {
			return err
		}
		w.publish(h, st)
		if !canIdle {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(w.opts.PollInterval):
			}
			continue
		}
		if err := c.idleUntil(ctx, changed, w.opts.IdleRefresh); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(w.opts.Debounce):
		}
	}
}

// idleDoneTimeout bounds the wait for the server to end IDLE.
const idleDoneTimeout = 10 * time.Second

// idleUntil runs IDLE until the server reports a change, ctx ends, or
// refresh has passed.
func (c *Client) idleUntil(ctx context.Context, changed <-chan struct{}, refresh time.Duration) error {
	// Some servers (go-imap's own among them) report changes that came
	// before IDLE only in answer to a command: NOOP collects them. A
	// change noticed since the counts were read is left in changed; it
	// ends this IDLE at once and the counts are read again.
	if err := c.Noop(ctx); err != nil {
		return err
	}
	cmd, err := c.imap.Idle()
	if err != nil {
		c.broken = true
		return fmt.Errorf("mail: idle: %w: %w", ErrUnavailable, err)
	}
	timer := time.NewTimer(refresh)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-changed:
	case <-timer.C:
	case <-c.imap.Closed():
	}
	// A server that went silent would leave DONE unanswered for as long
	// as TCP keeps the connection: bound the wait by closing it.
	hang := time.AfterFunc(idleDoneTimeout, func() { c.conn.Close() })
	defer hang.Stop()
	if err := cmd.Close(); err != nil {
		c.broken = true
		return fmt.Errorf("mail: idle: %w: %w", ErrUnavailable, err)
	}
	// Wait for the server's answer to DONE before the next command.
	if err := cmd.Wait(); err != nil {
		c.broken = true
		return fmt.Errorf("mail: idle: %w: %w", ErrUnavailable, err)
	}
	return nil
}

// inboxStatus asks for INBOX's message and unseen counts.
func (c *Client) inboxStatus(ctx context.Context) (MailboxStatus, error) {
	st := MailboxStatus{Mailbox: "INBOX"}
	err := c.do(ctx, "status INBOX", func() error {
		data, err := c.imap.Status("INBOX", &imap.StatusOptions{NumMessages: true, NumUnseen: true}).Wait()
		if err != nil {
			return err
		}
		if data.NumMessages != nil {
			st.Messages = *data.NumMessages
		}
		if data.NumUnseen != nil {
			st.Unseen = *data.NumUnseen
		}
		return nil
	})
	return st, err
}
