package routing

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is the routing service on its private listener. nginx's
// auth_http (HTTP) and Postfix's socketmap (netstrings, which begin with a
// digit) share the listener: the first byte of a connection says which
// protocol it speaks, so an admin opens one address to the front hosts.
type Server struct {
	decider Decider
	opts    Options
	http    *http.Server
	conns   *connQueue
}

// NewServer returns the routing service over decider.
func NewServer(decider Decider, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{decider: decider, opts: opts}
	mux := http.NewServeMux()
	mux.Handle("GET /auth", &authHTTP{decider: decider, opts: opts})
	s.http = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Serve accepts connections on ln until ctx ends or Close is called.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.conns = newConnQueue(ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.conns) }()
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		conn, err := ln.Accept()
		if err != nil {
			s.conns.Close()
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = s.http.Shutdown(shutdownCtx)
			cancel()
			<-errc
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go s.dispatch(conn)
	}
}

// dispatch hands a connection to the protocol its first byte belongs to.
func (s *Server) dispatch(conn net.Conn) {
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	first, err := r.Peek(1)
	if err != nil {
		conn.Close()
		return
	}
	_ = conn.SetReadDeadline(time.Time{})
	if first[0] >= '0' && first[0] <= '9' {
		s.serveSocketmap(conn, r)
		return
	}
	s.conns.push(&peekedConn{Conn: conn, r: r})
}

// peekedConn is a connection whose first bytes sit in a bufio.Reader.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// connQueue is a net.Listener fed with the HTTP connections dispatch
// found, for http.Server.
type connQueue struct {
	addr   net.Addr
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newConnQueue(addr net.Addr) *connQueue {
	return &connQueue{addr: addr, conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (q *connQueue) push(c net.Conn) {
	select {
	case q.conns <- c:
	case <-q.closed:
		c.Close()
	}
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.conns:
		return c, nil
	case <-q.closed:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.once.Do(func() { close(q.closed) })
	return nil
}

func (q *connQueue) Addr() net.Addr { return q.addr }
