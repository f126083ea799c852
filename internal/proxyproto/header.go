// Package proxyproto reads the PROXY protocol (HAProxy's send-proxy and
// send-proxy-v2), which puts the client's address in front of the first
// request where X-Forwarded-For cannot be used (TLS passthrough) or is not
// wanted. A header is believed only from a trusted proxy: from anyone else
// it would let a client choose its own address, so it is left unread and
// the request fails as garbage.
package proxyproto

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
)

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
