package proxyproto

import (
	"bufio"
	"net"
	"net/netip"
	"sync"
	"time"
)

// proxyHeaderTimeout bounds how long a trusted proxy may take to send the
// header.
const proxyHeaderTimeout = 5 * time.Second

// proxyListener wraps a listener: connections from trusted proxies may
// start with a PROXY protocol v1 or v2 header, whose source address then
// becomes the connection's RemoteAddr.
type proxyListener struct {
	net.Listener
	trusted func() []netip.Prefix // the current trusted proxies (reloadable)
}

// NewListener wraps ln: connections from an address within trusted() may
// start with a PROXY protocol v1 or v2 header, whose source address then
// becomes the connection's RemoteAddr. trusted is asked on every accepted
// connection, so a configuration reload applies to the next one. From any
// other peer a header is left unread, and the request fails as garbage.
func NewListener(ln net.Listener, trusted func() []netip.Prefix) net.Listener {
	return &proxyListener{Listener: ln, trusted: trusted}
}

// Accept returns the connection at once; the header is read on its first
// Read or RemoteAddr, in the connection's own goroutine, so a slow proxy
// never holds up the accept loop.
func (l *proxyListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if !l.fromTrusted(conn.RemoteAddr()) {
		return conn, nil
	}
	return &proxyConn{Conn: conn, reader: bufio.NewReaderSize(conn, 256)}, nil
}

func (l *proxyListener) fromTrusted(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return false
	}
	ip, ok := netip.AddrFromSlice(tcp.IP)
	if !ok {
		return false
	}
	ip = ip.Unmap()
	for _, p := range l.trusted() {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// proxyConn is a connection from a trusted proxy.
type proxyConn struct {
	net.Conn
	reader *bufio.Reader
	once   sync.Once
	remote net.Addr // from the header; nil: the proxy's own address
	err    error
}

func (c *proxyConn) readHeader() {
	c.once.Do(func() {
		c.Conn.SetReadDeadline(time.Now().Add(proxyHeaderTimeout))
		defer c.Conn.SetReadDeadline(time.Time{})
		c.remote, c.err = parseProxyHeader(c.reader)
		if c.err != nil {
			c.Conn.Close()
		}
	})
}

func (c *proxyConn) Read(p []byte) (int, error) {
	c.readHeader()
	if c.err != nil {
		return 0, c.err
	}
	return c.reader.Read(p)
}

func (c *proxyConn) RemoteAddr() net.Addr {
	c.readHeader()
	if c.remote != nil {
		return c.remote
	}
	return c.Conn.RemoteAddr()
}
