package testenv

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Redis is the Redis server shared by one test process. Tests share its
// keyspace, so each must use its own key prefix. It keeps nothing on disk:
// a restart empties it, as it would a cache-only production Redis.
type Redis struct {
	// Addr is the server's host:port.
	Addr string

	server *redisServer
}

// redisServer is one redis-server process.
type redisServer struct {
	mu   sync.Mutex // serialises Stop and Start
	proc *process
	port int
	addr string
}

// sharedRedis is the server this process started, if any.
var sharedRedis lazy[*redisServer]

// NewRedis returns the process's shared Redis server, starting it on first
// use.
func NewRedis(t testing.TB) *Redis {
	t.Helper()
	s, err := sharedRedis.get(func() (*redisServer, error) {
		dir, err := newDir("redis")
		if err != nil {
			return nil, err
		}
		return startRedisServer(dir, "redis", nil)
	})
	if err != nil {
		t.Fatalf("%v", err)
	}
	return &Redis{Addr: s.addr, server: s}
}

// Stop stops the server; connections to Addr are refused until Start.
// Every test of the process shares the server.
func (r *Redis) Stop(t testing.TB) {
	t.Helper()
	r.server.mu.Lock()
	defer r.server.mu.Unlock()
	if err := r.server.proc.stop(); err != nil {
		t.Fatalf("%v", err)
	}
}

// Start starts a stopped server again on the same port, empty.
func (r *Redis) Start(t testing.TB) {
	t.Helper()
	r.server.mu.Lock()
	defer r.server.mu.Unlock()
	if err := r.server.startAndWait(); err != nil {
		t.Fatalf("%v", err)
	}
}

// Restart stops the server and starts it again on the same port, empty.
func (r *Redis) Restart(t testing.TB) {
	t.Helper()
	r.Stop(t)
	r.Start(t)
}

// startRedisServer starts redis-server in dir on a free port with the extra
// arguments, retrying on another port if the chosen one was taken.
func startRedisServer(dir, name string, extra []string) (*redisServer, error) {
	bin, err := findBinary("redis-server", "redis-server")
	if err != nil {
		return nil, err
	}
	s := &redisServer{}
	err = retryStart(name, func() error {
		port, err := freePort()
		if err != nil {
			return err
		}
		s.port = port
		s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		logFile := filepath.Join(dir, name+".log")
		// Without --repl-diskless-sync-delay 0 a replica links only
		// after 5 s.
		args := append([]string{
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0",
			"--dir", dir, "--dbfilename", name + ".rdb", "--logfile", logFile,
			"--pidfile", filepath.Join(dir, name+".pid"),
		}, extra...)
		s.proc = newProcess(name, dir, bin, args, nil, logFile)
		if err := s.startAndWait(); err != nil {
			_ = s.proc.kill()
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// startAndWait starts redis-server and waits until it answers PING.
func (s *redisServer) startAndWait() error {
	if err := s.proc.start(); err != nil {
		return err
	}
	return waitFor(s.proc, "redis on "+s.addr, startTimeout, func() error {
		reply, err := redisCommand(s.addr, "PING")
		if err != nil {
			return err
		}
		if reply != "PONG" {
			return fmt.Errorf("%w: PING answered %q", errNotReady, reply)
		}
		return nil
	})
}

// redisCommand sends one command over a fresh connection and returns the
// reply: simple strings, errors and integers as text, bulk strings as their
// content, arrays as their elements joined by newlines. It is enough for
// probes; tests use a real client.
func redisCommand(addr string, args ...string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
	var req strings.Builder
	fmt.Fprintf(&req, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&req, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(req.String())); err != nil {
		return "", err
	}
	return readRESP(bufio.NewReader(conn))
}

// readRESP reads one RESP2 reply.
func readRESP(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("empty RESP line")
	}
	switch line[0] {
	case '+', ':':
		return line[1:], nil
	case '-':
		return "", fmt.Errorf("redis: %s", line[1:])
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return "", err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return "", err
		}
		items := make([]string, 0, n)
		for range n {
			item, err := readRESP(r)
			if err != nil {
				return "", err
			}
			items = append(items, item)
		}
		return strings.Join(items, "\n"), nil
	}
	return "", fmt.Errorf("unexpected RESP reply %q", line)
}
