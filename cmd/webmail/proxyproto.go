package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The PROXY protocol (HAProxy's send-proxy / send-proxy-v2) puts the
// client's address in front of the first request, where X-Forwarded-For
// cannot be used (TLS passthrough) or is not wanted. A header is believed
// only from a trusted proxy: from anyone else it would let a client choose
// its own address, so it is left unread and the request fails as garbage.

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

func newProxyListener(ln net.Listener, trusted func() []netip.Prefix) net.Listener {
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

// proxyV2Signature starts every v2 header.
var proxyV2Signature = []byte("\r\n\r\n\x00\r\nQUIT\n")

// parseProxyHeader reads a v1 or v2 header if one is there and returns the
// client address it names. No header (a health check sent without one),
// or a header for a local or unknown connection, gives nil: the proxy's
// own address stands.
func parseProxyHeader(r *bufio.Reader) (net.Addr, error) {
	start, err := r.Peek(6)
	if err != nil {
		if len(start) > 0 && !bytes.HasPrefix([]byte("PROXY "), start) && !bytes.HasPrefix(proxyV2Signature, start) {
			return nil, nil // a short request that is not a header
		}
		return nil, fmt.Errorf("proxy protocol: %w", err)
	}
	switch {
	case string(start) == "PROXY ":
		return parseProxyV1(r)
	case bytes.Equal(start, proxyV2Signature[:6]):
		return parseProxyV2(r)
	}
	return nil, nil
}

func parseProxyV1(r *bufio.Reader) (net.Addr, error) {
	// At most 107 bytes, CRLF included.
	var line []byte
	for len(line) < 107 {
		b, err := r.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("proxy protocol v1: %w", err)
		}
		line = append(line, b)
		if bytes.HasSuffix(line, []byte("\r\n")) {
			break
		}
	}
	if !bytes.HasSuffix(line, []byte("\r\n")) {
		return nil, errors.New("proxy protocol v1: header too long")
	}
	fields := strings.Fields(strings.TrimSuffix(string(line), "\r\n"))
	if len(fields) >= 2 && fields[1] == "UNKNOWN" {
		return nil, nil
	}
	if len(fields) != 6 || (fields[1] != "TCP4" && fields[1] != "TCP6") {
		return nil, fmt.Errorf("proxy protocol v1: malformed header %q", line)
	}
	ip, err := netip.ParseAddr(fields[2])
	port, perr := strconv.ParseUint(fields[4], 10, 16)
	if err != nil || perr != nil {
		return nil, fmt.Errorf("proxy protocol v1: malformed address in %q", line)
	}
	return net.TCPAddrFromAddrPort(netip.AddrPortFrom(ip, uint16(port))), nil
}

func parseProxyV2(r *bufio.Reader) (net.Addr, error) {
	var head [16]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, fmt.Errorf("proxy protocol v2: %w", err)
	}
	if !bytes.Equal(head[:12], proxyV2Signature) || head[12]>>4 != 2 {
		return nil, errors.New("proxy protocol v2: bad signature or version")
	}
	length := int(binary.BigEndian.Uint16(head[14:16]))
	body := make([]byte, length)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("proxy protocol v2: %w", err)
	}
	if head[12]&0x0f == 0 { // LOCAL: the proxy's own connection (health check)
		return nil, nil
	}
	switch head[13] >> 4 {
	case 1: // AF_INET: src, dst, sport, dport
		if len(body) < 12 {
			return nil, errors.New("proxy protocol v2: short IPv4 addresses")
		}
		ip := netip.AddrFrom4([4]byte(body[0:4]))
		return net.TCPAddrFromAddrPort(netip.AddrPortFrom(ip, binary.BigEndian.Uint16(body[8:10]))), nil
	case 2: // AF_INET6
		if len(body) < 36 {
			return nil, errors.New("proxy protocol v2: short IPv6 addresses")
		}
		ip := netip.AddrFrom16([16]byte(body[0:16]))
		return net.TCPAddrFromAddrPort(netip.AddrPortFrom(ip, binary.BigEndian.Uint16(body[32:34]))), nil
	}
	return nil, nil // AF_UNSPEC or AF_UNIX: keep the proxy's address
}
