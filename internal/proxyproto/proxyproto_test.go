package proxyproto

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// proxyServer serves the remote address it sees, behind a proxyListener
// that trusts trusted.
func proxyServer(t *testing.T, trusted string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	prefixes := []netip.Prefix{netip.MustParsePrefix(trusted)}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.RemoteAddr)
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(NewListener(ln, func() []netip.Prefix { return prefixes }))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// send writes prefix and a GET request on a fresh connection and returns
// the status line and body.
func send(t *testing.T, addr string, prefix []byte) (string, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	conn.Write(prefix)
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.Status, string(body)
}

func proxyV2(cmd byte, src netip.AddrPort) []byte {
	b := append([]byte{}, proxyV2Signature...)
	var addrs []byte
	fam := byte(0x11)
	if src.Addr().Is6() {
		fam = 0x21
		a := src.Addr().As16()
		addrs = append(addrs, a[:]...)
		addrs = append(addrs, make([]byte, 16)...)
	} else {
		a := src.Addr().As4()
		addrs = append(addrs, a[:]...)
		addrs = append(addrs, 10, 0, 0, 1)
	}
	addrs = binary.BigEndian.AppendUint16(addrs, src.Port())
	addrs = binary.BigEndian.AppendUint16(addrs, 443)
	b = append(b, 0x20|cmd, fam)
	b = binary.BigEndian.AppendUint16(b, uint16(len(addrs)))
	return append(b, addrs...)
}

func TestProxyProtocolFromTrustedProxy(t *testing.T) {
	addr := proxyServer(t, "127.0.0.0/8")
	tests := []struct {
		name   string
		prefix []byte
		want   string // remote address, or "127.0.0.1:" for the proxy's own
	}{
		{"v1 IPv4", []byte("PROXY TCP4 198.51.100.7 10.0.0.1 40000 443\r\n"), "198.51.100.7:40000"},
		{"v1 IPv6", []byte("PROXY TCP6 2001:db8::7 2001:db8::1 40001 443\r\n"), "[2001:db8::7]:40001"},
		{"v1 unknown", []byte("PROXY UNKNOWN\r\n"), "127.0.0.1:"},
		{"v2 IPv4", proxyV2(1, netip.MustParseAddrPort("203.0.113.9:50000")), "203.0.113.9:50000"},
		{"v2 IPv6", proxyV2(1, netip.MustParseAddrPort("[2001:db8::9]:50001")), "[2001:db8::9]:50001"},
		{"v2 local (health check)", proxyV2(0, netip.MustParseAddrPort("203.0.113.9:50000")), "127.0.0.1:"},
		{"no header", nil, "127.0.0.1:"},
	}
	for _, tt := range tests {
		status, body := send(t, addr, tt.prefix)
		if !strings.HasPrefix(status, "200") || !strings.HasPrefix(body, tt.want) {
			t.Errorf("%s: %s %q, want 200 %q", tt.name, status, body, tt.want)
		}
	}
	// A malformed header from a trusted proxy ends the connection.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "PROXY TCP4 nonsense\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := http.ReadResponse(bufio.NewReader(conn), nil); err == nil {
		t.Error("a malformed PROXY header was served")
	}
}

// TestProxyProtocolFromUntrustedPeer: a client cannot claim an address by
// sending a header itself; it is not read, and the request fails.
func TestProxyProtocolFromUntrustedPeer(t *testing.T) {
	addr := proxyServer(t, "192.0.2.0/24")
	status, body := send(t, addr, []byte("PROXY TCP4 198.51.100.7 10.0.0.1 40000 443\r\n"))
	if strings.HasPrefix(status, "200") {
		t.Fatalf("untrusted header accepted: %s %q", status, body)
	}
	status, body = send(t, addr, nil)
	if !strings.HasPrefix(status, "200") || !strings.HasPrefix(body, "127.0.0.1:") {
		t.Fatalf("plain request: %s %q", status, body)
	}
}
