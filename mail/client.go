package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Client is one authenticated IMAP connection. It is not safe for
// concurrent use: a pool hands it to one request at a time.
//
// Every method takes a context; when it ends before the server answers, the
// connection is closed (IMAP cannot cancel a command) and the Client is
// broken: see Broken.
type Client struct {
	endpoint Endpoint
	conn     net.Conn // the TCP connection under TLS and IMAP, closed to abort
	imap     *imapclient.Client
	selected string // the mailbox selected on the server, "" if none
	// synced says the selected mailbox was selected, or brought up to
	// date with a NOOP, since the pool lent the connection (see
	// selectMailbox); onLoan says a pool lends it, one request at a time.
	synced, onLoan bool
	// uidValidity is the selected mailbox's UIDVALIDITY, from its SELECT.
	uidValidity uint32
	broken      bool
	// lists is the pool's cache of sorted and threaded UID lists, shared
	// by every connection of the instance, and owner names this
	// connection's user in it; nil and "" outside a pool.
	lists *listCache
	owner string
	// lines is the pool's cache of list lines (see lineCache); nil
	// outside a pool.
	lines *lineCache
}

// Endpoint returns the server this Client is connected to.
func (c *Client) Endpoint() Endpoint { return c.endpoint }

// Broken reports whether the connection failed or was cut by an ended
// context. A broken Client only returns errors: close it, do not pool it.
func (c *Client) Broken() bool {
	if c.broken {
		return true
	}
	select {
	case <-c.imap.Closed():
		c.broken = true
	default:
	}
	return c.broken
}

// logoutTimeout bounds the wait for the server's LOGOUT reply in Close.
const logoutTimeout = 2 * time.Second

// Close logs out (waiting briefly for the server) and closes the
// connection. Errors after a clean logout are not reported: the server
// hangs up first.
func (c *Client) Close() error {
	loggedOut := false
	if !c.Broken() {
		ctx, cancel := context.WithTimeout(context.Background(), logoutTimeout)
		loggedOut = c.do(ctx, "logout", func() error { return c.imap.Logout().Wait() }) == nil
		cancel()
	}
	c.broken = true
	c.selected = ""
	if err := c.imap.Close(); err != nil && !loggedOut && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("mail: close %s: %w", c.endpoint, err)
	}
	return nil
}

// Noop sends NOOP, to check that a pooled connection is still alive and to
// receive pending mailbox updates.
func (c *Client) Noop(ctx context.Context) error {
	return c.do(ctx, "noop", func() error { return c.imap.Noop().Wait() })
}

// Caps returns the server's capabilities, sorted.
func (c *Client) Caps() []string {
	if c.Broken() {
		return nil
	}
	var caps []string
	for name := range c.imap.Caps() {
		caps = append(caps, string(name))
	}
	sort.Strings(caps)
	return caps
}

// do runs one exchange with the server under ctx. A context that ends
// first closes the connection; a network failure breaks the Client; both
// wrap ErrUnavailable (a cancelled context wraps context.Canceled only).
func (c *Client) do(ctx context.Context, op string, exchange func() error) error {
	if c.Broken() {
		return fmt.Errorf("mail: %s: %w: connection closed", op, ErrUnavailable)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mail: %s: %w", op, err)
	}
	stop := context.AfterFunc(ctx, func() { c.conn.Close() })
	err := exchange()
	if !stop() {
		c.broken = true
		c.selected = ""
		cause := context.Cause(ctx)
		if errors.Is(cause, context.DeadlineExceeded) {
			return fmt.Errorf("mail: %s: %w: %w", op, ErrUnavailable, cause)
		}
		return fmt.Errorf("mail: %s: %w", op, cause)
	}
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrNotStreamable) {
		return fmt.Errorf("mail: %s: %w", op, err) // our own verdict, the connection is fine
	}
	var imapErr *imap.Error
	if errors.As(err, &imapErr) && imapErr.Type != imap.StatusResponseTypeBye {
		if imapErr.Code == imap.ResponseCodeNonExistent {
			return fmt.Errorf("mail: %s: %w: %w", op, ErrNotFound, err)
		}
		return fmt.Errorf("mail: %s: %w", op, err)
	}
	// Anything else is the connection failing under us.
	c.broken = true
	c.selected = ""
	return fmt.Errorf("mail: %s: %w: %w", op, ErrUnavailable, err)
}
