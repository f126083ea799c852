package testenv

import (
	"bytes"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// TCPRecorder forwards TCP connections to a server and records the
// traffic: what clients sent (the commands, for tests that check which
// ones a request needs) and how many bytes the server sent back.
type TCPRecorder struct {
	// Addr is the address to connect to instead of the server's.
	Addr       string
	fromServer atomic.Int64
	mu         sync.Mutex
	commands   bytes.Buffer
}

// NewTCPRecorder listens on a free loopback port and forwards every
// connection to target until the test ends.
func NewTCPRecorder(t testing.TB, target string) *TCPRecorder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &TCPRecorder{Addr: ln.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			wg.Add(2)
			go func() { defer wg.Done(); io.Copy(server, io.TeeReader(client, clientBytes{p})); server.Close() }()
			go func() {
				defer wg.Done()
				io.Copy(serverBytes{client, &p.fromServer}, server)
				client.Close()
			}()
		}
	}()
	return p
}

// Sent returns what clients sent since the last call.
func (p *TCPRecorder) Sent() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.commands.String()
	p.commands.Reset()
	return out
}

// Received is the bytes the server sent so far: every byte a client has
// read is counted before it reaches the client.
func (p *TCPRecorder) Received() int64 { return p.fromServer.Load() }

// clientBytes records what a client sends.
type clientBytes struct{ p *TCPRecorder }

func (c clientBytes) Write(b []byte) (int, error) {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	return c.p.commands.Write(b)
}

// serverBytes counts the bytes written through it.
type serverBytes struct {
	w io.Writer
	n *atomic.Int64
}

func (c serverBytes) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n.Add(int64(n))
	return n, err
}
