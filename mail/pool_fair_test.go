package mail

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// waitingFor returns how many requests wait for username's connections.
func (p *Pool) waitingFor(ep Endpoint, username, password string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if u := p.users[p.key(ep, username, password)]; u != nil {
		return len(u.waiting)
	}
	return 0
}

// waitForLine waits until n requests are in line.
func waitForLine(t *testing.T, p *Pool, ep Endpoint, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); p.waitingFor(ep, memUser, memPassword) != n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests in line, want %d", p.waitingFor(ep, memUser, memPassword), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestPoolServesWaitersInOrder checks that requests waiting for a user's
// connection get it in the order they asked, one at a time, and that one
// giving up leaves the line without losing the connection or the slot.
func TestPoolServesWaitersInOrder(t *testing.T) {
	srv := startMemServer(t, nil)
	p := NewPool(PoolOptions{MaxPerUser: 1})
	defer p.Close()
	ctx := context.Background()
	opts := DialOptions{Timeout: 5 * time.Second}
	held, err := p.Get(ctx, srv.endpoint, memUser, memPassword, opts)
	if err != nil {
		t.Fatal(err)
	}

	const waiters = 6
	served := make(chan int, waiters)
	quitter, quit := context.WithCancel(ctx)
	defer quit()
	quitterDone := make(chan error, 1)
	for i := 0; i < waiters; i++ {
		if i == 2 {
			// The third in line gives up while waiting.
			go func() {
				_, err := p.Get(quitter, srv.endpoint, memUser, memPassword, opts)
				quitterDone <- err
			}()
			waitForLine(t, p, srv.endpoint, i+1)
			continue
		}
		go func() {
			conn, err := p.Get(ctx, srv.endpoint, memUser, memPassword, opts)
			if err != nil {
				t.Error(err)
				served <- -1
				return
			}
			served <- i
			time.Sleep(5 * time.Millisecond) // hold it, so the others must wait
			conn.Release()
		}()
		waitForLine(t, p, srv.endpoint, i+1)
	}
	quit()
	if err := <-quitterDone; !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled waiter: %v, want ErrUnavailable and context.Canceled", err)
	}
	held.Release()
	var order []int
	for len(order) < waiters-1 {
		select {
		case i := <-served:
			order = append(order, i)
		case <-time.After(10 * time.Second):
			t.Fatalf("served %v, then nothing", order)
		}
	}
	if want := []int{0, 1, 3, 4, 5}; !slices.Equal(order, want) {
		t.Fatalf("waiters served in order %v, want %v", order, want)
	}
	if s := p.Stats(); s.Dialed != 1 || s.Open != 1 {
		t.Fatalf("stats %+v, want the one connection handed along the line", s)
	}
}

// TestPoolWaitHasADeadline checks that a request waiting for a user's
// connection gives up after MaxWait, even with no deadline of its own,
// and that a slot freed by a failed login goes to the next in line.
func TestPoolWaitHasADeadline(t *testing.T) {
	srv := startMemServer(t, nil)
	p := NewPool(PoolOptions{MaxPerUser: 1, MaxWait: 100 * time.Millisecond})
	defer p.Close()
	ctx := context.Background()
	opts := DialOptions{Timeout: 5 * time.Second}
	held, err := p.Get(ctx, srv.endpoint, memUser, memPassword, opts)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Get(ctx, srv.endpoint, memUser, memPassword, opts)
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting past MaxWait: %v, want ErrUnavailable and DeadlineExceeded", err)
	}
	if n := p.waitingFor(srv.endpoint, memUser, memPassword); n != 0 {
		t.Fatalf("%d requests still in line after giving up", n)
	}

	// The held connection dies: its slot goes to the waiter, who logs in.
	got := make(chan *Conn, 1)
	go func() {
		conn, err := p.Get(ctx, srv.endpoint, memUser, memPassword, opts)
		if err != nil {
			t.Error(err)
		}
		got <- conn
	}()
	waitForLine(t, p, srv.endpoint, 1)
	held.Discard()
	conn := <-got
	if conn == nil || conn.Reused {
		t.Fatalf("the waiter got %+v, want a new connection in the freed slot", conn)
	}
	conn.Release()
	if s := p.Stats(); s.Dialed != 2 || s.Open != 1 {
		t.Fatalf("stats %+v, want two logins and one open connection", s)
	}
}
