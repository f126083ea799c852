package demo

import (
	"net"
	"sync"
)

// ownedListener is a listener that Server closes itself, with every
// connection accepted through it. The libraries' own Close cannot be relied
// on for that: go-smtp's Server.Close closes only the listeners Serve has
// already registered, so a Close that runs before the Serve goroutine was
// scheduled (seen under load) left Accept blocked forever and Server.Close
// waiting on it; and both go-smtp and go-imap register a connection only once
// its goroutine runs, so a connection accepted just before Close outlived it.
type ownedListener struct {
	net.Listener

	mu     sync.Mutex
	closed bool
	conns  map[*ownedConn]struct{}
}

// newOwnedListener takes over ln.
func newOwnedListener(ln net.Listener) *ownedListener {
	return &ownedListener{Listener: ln, conns: make(map[*ownedConn]struct{})}
}

// Accept returns the next connection, tracked so that Close can drop it. A
// connection that arrives while Close runs is closed at once.
func (l *ownedListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		conn.Close()
		return nil, net.ErrClosed
	}
	owned := &ownedConn{Conn: conn, listener: l}
	l.conns[owned] = struct{}{}
	return owned, nil
}

// Close stops accepting and closes every open connection. Calling it again
// does nothing.
func (l *ownedListener) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	conns := l.conns
	l.conns = nil
	l.mu.Unlock()

	err := l.Listener.Close()
	for conn := range conns {
		conn.Conn.Close()
	}
	return err
}

// forget stops tracking a connection its server has closed, so a long-running
// demo does not accumulate them.
func (l *ownedListener) forget(conn *ownedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.conns, conn)
}

// ownedConn is a connection accepted by an ownedListener. It hides the
// concrete type from go-imap's and go-smtp's *tls.Conn checks, which is
// harmless while the demo serves plain TCP only; implicit TLS would need the
// listener to wrap after the handshake instead.
type ownedConn struct {
	net.Conn
	listener *ownedListener
}

// Close closes the connection and lets the listener forget it.
func (c *ownedConn) Close() error {
	c.listener.forget(c)
	return c.Conn.Close()
}
