package testenv

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

// socketmapServer answers Postfix's socketmap lookups (socketmap_table(5))
// from this process, so that a user added by a test is a valid recipient
// on the very next lookup.
type socketmapServer struct {
	addr     string
	listener net.Listener
	lookup   func(key string) bool
}

// startSocketmap listens on a loopback port until Main finishes. The port
// stays bound for the whole run, so it cannot be lost to a race.
func startSocketmap(lookup func(key string) bool) (*socketmapServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("testenv: socketmap: %w", err)
	}
	s := &socketmapServer{addr: l.Addr().String(), listener: l, lookup: lookup}
	atExit(func() { l.Close() })
	go s.serve()
	return s, nil
}

// serve accepts connections until the listener is closed.
func (s *socketmapServer) serve() {
	for {
		conn, err := s.listener.Accept()
		if err != nil {
			return
		}
		go s.handle(conn)
	}
}

// handle answers requests on one connection, which Postfix keeps open
// across lookups.
func (s *socketmapServer) handle(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		_ = conn.SetDeadline(time.Now().Add(5 * time.Minute))
		request, err := readNetstring(r)
		if err != nil {
			return
		}
		reply := "NOTFOUND "
		if _, key, ok := strings.Cut(request, " "); !ok {
			reply = "PERM malformed request"
		} else if s.lookup(key) {
			reply = "OK OK"
		}
		if _, err := fmt.Fprintf(conn, "%d:%s,", len(reply), reply); err != nil {
			return
		}
	}
}

// errNetstring reports a malformed netstring.
var errNetstring = errors.New("testenv: socketmap: malformed netstring")

// readNetstring reads "LEN:DATA," and returns DATA.
func readNetstring(r *bufio.Reader) (string, error) {
	prefix, err := r.ReadString(':')
	if err != nil {
		return "", err
	}
	n, err := strconv.Atoi(strings.TrimSuffix(prefix, ":"))
	if err != nil || n < 0 || n > 100000 {
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
