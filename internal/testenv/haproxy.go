package testenv

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// HAProxyAddrs are the addresses NewHAProxy chose for one start; the
// configuration must bind exactly these.
type HAProxyAddrs struct {
	// Frontend is the public frontend's host:port on 127.0.0.1.
	Frontend string
	// Stats is a second free host:port, for a statistics frontend.
	Stats string
	// Socket is the path of the admin socket (the runtime API), which
	// the configuration must declare with "stats socket PATH level admin".
	Socket string
}

// HAProxy is an haproxy process in front of servers one test runs. Unlike
// the other servers it is not shared: each test starts its own with its
// own configuration, and it is stopped when the test ends.
type HAProxy struct {
	// Addrs are the addresses the configuration binds.
	HAProxyAddrs
	// URL is "http://" + Frontend.
	URL string

	proc *process
}

// NewHAProxy starts `haproxy -db -f cfg`, with cfg the text config returns
// for free loopback addresses, and waits until the frontend accepts
// connections and the admin socket answers. The configuration should log
// to stdout ("log stdout format raw local0"): the log is in Log and in
// failure messages. A port taken between choosing and binding is retried
// with fresh ones.
func NewHAProxy(t testing.TB, config func(HAProxyAddrs) string) *HAProxy {
	t.Helper()
	bin, err := findBinary("haproxy", "haproxy")
	if err != nil {
		t.Fatalf("%v", err)
	}
	dir, err := newDir("haproxy")
	if err != nil {
		t.Fatalf("%v", err)
	}
	h := &HAProxy{}
	attempt := 0
	err = retryStart("haproxy", func() error {
		attempt++
		ports, err := freePorts(2)
		if err != nil {
			return err
		}
		addrs := HAProxyAddrs{
			Frontend: fmt.Sprintf("127.0.0.1:%d", ports[0]),
			Stats:    fmt.Sprintf("127.0.0.1:%d", ports[1]),
			Socket:   filepath.Join(dir, fmt.Sprintf("admin%d.sock", attempt)),
		}
		cfg := filepath.Join(dir, "haproxy.cfg")
		if err := os.WriteFile(cfg, []byte(config(addrs)), 0o644); err != nil {
			return fmt.Errorf("testenv: haproxy: %w", err)
		}
		proc := newProcess("haproxy", dir, bin, []string{"-db", "-f", cfg}, nil)
		if err := proc.start(); err != nil {
			return err
		}
		err = waitFor(proc, "haproxy on "+addrs.Frontend, startTimeout, func() error {
			conn, err := net.DialTimeout("tcp", addrs.Frontend, time.Second)
			if err != nil {
				return err
			}
			conn.Close()
			_, err = haproxyCommand(addrs.Socket, "show info")
			return err
		})
		if err != nil {
			_ = proc.kill()
			return err
		}
		h.HAProxyAddrs, h.URL, h.proc = addrs, "http://"+addrs.Frontend, proc
		return nil
	})
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("haproxy log:\n%s", h.proc.logTail())
		}
		_ = h.proc.stop()
	})
	return h
}

// Stats returns the rows of the runtime API's "show stat": one per
// frontend, backend and server, keyed by the CSV header's column names
// ("pxname", "svname", "status", "wretr", "wredis", ...).
func (h *HAProxy) Stats(t testing.TB) []map[string]string {
	t.Helper()
	rows, err := h.stats()
	if err != nil {
		t.Fatalf("%v", err)
	}
	return rows
}

func (h *HAProxy) stats() ([]map[string]string, error) {
	out, err := haproxyCommand(h.Socket, "show stat")
	if err != nil {
		return nil, err
	}
	out = strings.TrimPrefix(out, "# ")
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(records) == 0 {
		return nil, fmt.Errorf("testenv: haproxy: show stat: unreadable answer (%v): %q", err, out)
	}
	header := records[0]
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, name := range header {
			if i < len(rec) {
				row[name] = rec[i]
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// ServerStatus returns the status HAProxy gives a server of a backend:
// "UP", "DOWN", "MAINT", or a transition such as "UP 1/2" or "DOWN 1/2".
func (h *HAProxy) ServerStatus(t testing.TB, backend, server string) string {
	t.Helper()
	status, err := h.serverStatus(backend, server)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return status
}

// LookupServerStatus is ServerStatus for a goroutine that may not fail the
// test itself: it returns the error instead.
func (h *HAProxy) LookupServerStatus(backend, server string) (string, error) {
	return h.serverStatus(backend, server)
}

func (h *HAProxy) serverStatus(backend, server string) (string, error) {
	rows, err := h.stats()
	if err != nil {
		return "", err
	}
	for _, row := range rows {
		if row["pxname"] == backend && row["svname"] == server {
			return row["status"], nil
		}
	}
	return "", fmt.Errorf("testenv: haproxy: no server %s/%s", backend, server)
}

// WaitServerStatus polls every 20 ms until the server's status is want
// ("UP" or "DOWN", exactly) and fails the test after timeout.
func (h *HAProxy) WaitServerStatus(t testing.TB, backend, server, want string, timeout time.Duration) {
	t.Helper()
	err := waitFor(h.proc, fmt.Sprintf("haproxy server %s/%s %s", backend, server, want), timeout, func() error {
		status, err := h.serverStatus(backend, server)
		if err != nil {
			return err
		}
		if status != want {
			return fmt.Errorf("%w: status %q", errNotReady, status)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%v", err)
	}
}

// Log returns what HAProxy has written to stdout and stderr so far: its
// request log when the configuration logs to stdout.
func (h *HAProxy) Log(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(h.proc.outputPath())
	if err != nil {
		t.Fatalf("testenv: haproxy: %v", err)
	}
	return string(b)
}

// haproxyCommand sends one command to the runtime API on socket and
// returns the answer.
func haproxyCommand(socket, command string) (string, error) {
	conn, err := net.DialTimeout("unix", socket, time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.WriteString(conn, command+"\n"); err != nil {
		return "", err
	}
	var b strings.Builder
	if _, err := io.Copy(&b, bufio.NewReader(conn)); err != nil {
		return "", fmt.Errorf("testenv: haproxy: %s: %w", command, err)
	}
	return b.String(), nil
}
