package routing

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// Postfix map names this service answers (socketmap_table(5)): main.cf
// names them after the host:port, for example
// "relay_domains = socketmap:inet:10.0.0.5:8026:domain".
const (
	// mapDomain answers a domain with OK when a backend takes its mail:
	// relay_domains.
	mapDomain = "domain"
	// mapTransport answers a domain (or an address, by its domain) with
	// the relay transport to its backend: transport_maps.
	mapTransport = "transport"
)

// socketmapIdle is how long a Postfix connection may sit idle; Postfix
// reconnects when it needs to.
const socketmapIdle = 5 * time.Minute

// maxNetstring bounds a request; socketmap_table(5) allows 100000.
const maxNetstring = 100000

// errNetstring reports a malformed netstring.
var errNetstring = errors.New("routing: socketmap: malformed netstring")

// serveSocketmap answers requests on one connection, which Postfix keeps
// open across lookups.
func (s *Server) serveSocketmap(conn net.Conn, r *bufio.Reader) {
	defer conn.Close()
	for {
		_ = conn.SetDeadline(time.Now().Add(socketmapIdle))
		request, err := readNetstring(r)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.opts.Logger.Warn("socketmap: bad request", "remote", conn.RemoteAddr().String(), "err", err)
			}
			return
		}
		if _, err := io.WriteString(conn, netstring(s.lookup(request))); err != nil {
			return
		}
	}
}

// lookup answers one "name key" request.
func (s *Server) lookup(request string) string {
	name, key, ok := strings.Cut(request, " ")
	if !ok {
		return "PERM malformed request"
	}
	domain := strings.ToLower(key)
	if at := strings.LastIndexByte(domain, '@'); at >= 0 {
		domain = domain[at+1:]
	}
	switch name {
	case mapDomain, mapTransport:
	default:
		return "PERM unknown map " + name
	}
	relay, ok := s.decider.RelayTarget(domain)
	if !ok {
		return "NOTFOUND "
	}
	if name == mapDomain {
		return "OK " + domain
	}
	return "OK " + relayTransport(relay)
}

// relayTransport is the transport_maps result for a backend's relay
// address: master.cf's "relay" service (Postfix's smtp client, with the
// settings deploy/front/postfix-master.cf gives it) to exactly that host
// (brackets: no MX lookup). Mail it cannot hand over stays in the front
// Postfix's queue and is retried.
func relayTransport(hostPort string) string {
	host, port, err := net.SplitHostPort(hostPort)
	if err != nil {
		return "relay:[" + hostPort + "]"
	}
	return "relay:[" + host + "]:" + port
}

// readNetstring reads "LEN:DATA," and returns DATA.
func readNetstring(r *bufio.Reader) (string, error) {
	prefix, err := r.ReadString(':')
	if err != nil {
		return "", err
	}
	n, err := strconv.Atoi(strings.TrimSuffix(prefix, ":"))
	if err != nil || n < 0 || n > maxNetstring {
		return "", errNetstring
	}
	buf := make([]byte, n+1)
	if _, err := io.ReadFull(r, buf); err != nil {
		return "", err
	}
	if buf[n] != ',' {
		return "", errNetstring
	}
	return string(buf[:n]), nil
}

func netstring(s string) string { return fmt.Sprintf("%d:%s,", len(s), s) }
