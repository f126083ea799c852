package mail

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

func TestPoolReusesPerUserAndPassword(t *testing.T) {
	srv := startMemServer(t, nil)
	p := NewPool(PoolOptions{MaxPerUser: 2})
	defer p.Close()
	ctx := context.Background()
	opts := DialOptions{Timeout: 5 * time.Second}

	for i := 0; i < 5; i++ {
		conn, err := p.Get(ctx, srv.endpoint, memUser, memPassword, opts)
		if err != nil {
			t.Fatal(err)
		}
		if conn.Reused != (i > 0) {
			t.Fatalf("request %d: Reused = %v", i, conn.Reused)
		}
		if _, err := conn.Mailboxes(ctx); err != nil {
			t.Fatal(err)
		}
		conn.Release()
	}
	if s := p.Stats(); s.Dialed != 1 || s.Reused != 4 || s.Open != 1 || s.Idle != 1 {
		t.Fatalf("stats %+v, want one dial reused four times", s)
	}

	// A wrong password never gets the pooled connection; its failed login
	// frees its slot.
	if _, err := p.Get(ctx, srv.endpoint, memUser, "wrong", opts); !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("wrong password: %v", err)
	}
	if s := p.Stats(); s.Dialed != 1 || s.DialErrors != 1 || s.Open != 1 {
		t.Fatalf("after a failed login: %+v", s)
	}
}

func TestPoolBoundsConnectionsPerUser(t *testing.T) {
	srv := startMemServer(t, nil)
	p := NewPool(PoolOptions{MaxPerUser: 2})
	defer p.Close()
	ctx := context.Background()
	opts := DialOptions{Timeout: 5 * time.Second}
	a, err := p.Get(ctx, srv.endpoint, memUser, memPassword, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Get(ctx, srv.endpoint, memUser, memPassword, opts)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	_, err = p.Get(short, srv.endpoint, memUser, memPassword, opts)
	cancel()
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("third connection at MaxPerUser=2: %v, want ErrUnavailable after waiting", err)
	}
	got := make(chan *Conn)
	go func() {
		c, err := p.Get(ctx, srv.endpoint, memUser, memPassword, opts)
		if err != nil {
			t.Error(err)
		}
		got <- c
	}()
	time.Sleep(50 * time.Millisecond)
	a.Release()
	select {
	case c := <-got:
		if c == nil || !c.Reused {
			t.Fatal("the waiter did not get the released connection")
		}
		c.Release()
	case <-time.After(5 * time.Second):
		t.Fatal("a waiter was not woken by Release")
	}
	b.Release()
	if s := p.Stats(); s.Dialed != 2 || s.Open != 2 {
		t.Fatalf("stats %+v, want exactly two connections", s)
	}
}

func TestPoolReplacesDeadConnections(t *testing.T) {
	srv := startMemServer(t, nil)
	p := NewPool(PoolOptions{})
	defer p.Close()
	ctx := context.Background()
	opts := DialOptions{Timeout: 5 * time.Second}
	conn, err := p.Get(ctx, srv.endpoint, memUser, memPassword, opts)
	if err != nil {
		t.Fatal(err)
	}
	dead := conn.Client
	conn.Release()
	dead.conn.Close() // the server or a NAT dropped it while idle

	conn, err = p.Get(ctx, srv.endpoint, memUser, memPassword, opts)
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Mailboxes(ctx)
	switch {
	case err == nil && conn.Client == dead:
		t.Fatal("a closed connection answered")
	case err != nil && !(conn.Reused && conn.Broken()):
		t.Fatalf("error %v on a connection that is not marked reused and broken: the caller could not retry", err)
	}
	conn.Release()
	conn, err = p.Get(ctx, srv.endpoint, memUser, memPassword, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Mailboxes(ctx); err != nil {
		t.Fatalf("after the dead connection was dropped: %v", err)
	}
	conn.Release()
	if s := p.Stats(); s.Open != 1 || s.Discarded < 1 {
		t.Fatalf("stats %+v", s)
	}
}

func TestPoolClosesIdleConnections(t *testing.T) {
	srv := startMemServer(t, nil)
	p := NewPool(PoolOptions{IdleTimeout: time.Hour})
	ctx := context.Background()
	conn, err := p.Get(ctx, srv.endpoint, memUser, memPassword, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	client := conn.Client
	conn.Release()
	p.closeIdle(time.Now().Add(time.Second))
	if s := p.Stats(); s.Open != 0 || s.Idle != 0 {
		t.Fatalf("after the idle timeout: %+v", s)
	}
	if !client.Broken() {
		t.Fatal("the idle connection was not closed")
	}
	p.Close()
	if _, err := p.Get(ctx, srv.endpoint, memUser, memPassword, DialOptions{}); !errors.Is(err, ErrPoolClosed) {
		t.Fatalf("Get after Close: %v", err)
	}
}

// TestPoolDialAlwaysLogsIn: a login form must not be satisfied by an idle
// connection, which proves only an old password; at the per-user bound the
// oldest idle connection makes room.
func TestPoolDialAlwaysLogsIn(t *testing.T) {
	srv := startMemServer(t, nil)
	p := NewPool(PoolOptions{MaxPerUser: 1})
	defer p.Close()
	ctx := context.Background()
	conn, err := p.Get(ctx, srv.endpoint, memUser, memPassword, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	idle := conn.Client
	conn.Release()
	fresh, err := p.Dial(ctx, srv.endpoint, memUser, memPassword, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Reused || fresh.Client == idle {
		t.Fatal("Dial handed out the idle connection")
	}
	fresh.Release()
	if s := p.Stats(); s.Dialed != 2 || s.Open != 1 || s.Idle != 1 || s.Discarded != 1 {
		t.Fatalf("stats %+v: want the idle connection replaced by the fresh one", s)
	}
	if _, err := p.Dial(ctx, srv.endpoint, memUser, "wrong", DialOptions{}); !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("wrong password: %v", err)
	}
}

// TestPoolDialNeverTakesAHandover: a login that has to wait because all
// of the user's slots are busy must still log in afresh when one is
// released, not take the released (pooled) connection, which proves only
// that the password worked when it was opened.
func TestPoolDialNeverTakesAHandover(t *testing.T) {
	srv := startMemServer(t, nil)
	p := NewPool(PoolOptions{MaxPerUser: 1})
	defer p.Close()
	ctx := context.Background()
	busy, err := p.Get(ctx, srv.endpoint, memUser, memPassword, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		conn *Conn
		err  error
	}
	done := make(chan result, 1)
	go func() {
		c, err := p.Dial(ctx, srv.endpoint, memUser, memPassword, DialOptions{})
		done <- result{c, err}
	}()
	waitForLine(t, p, srv.endpoint, 1)
	handed := busy.Client
	busy.Release()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.conn.Reused || r.conn.Client == handed {
		t.Fatal("Dial took the connection another request released instead of logging in")
	}
	r.conn.Release()
	if s := p.Stats(); s.Dialed != 2 || s.Open != 1 {
		t.Fatalf("stats %+v: want 2 logins and the slot held once", s)
	}
}

// TestPoolRetiresOldConnections: a connection past MaxAge is neither
// reused nor pooled again, so a password changed on the mail server (here:
// every later login fails) ends the old sessions within MaxAge, however
// busy they keep their connection. Before, a pooled connection was reused
// for as long as it kept being used.
func TestPoolRetiresOldConnections(t *testing.T) {
	srv := startMemServer(t, nil)
	const maxAge = 200 * time.Millisecond
	var passwordChanged atomic.Bool
	p := NewPool(PoolOptions{MaxAge: maxAge, Dial: func(ctx context.Context, ep Endpoint, username, password string, opts DialOptions) (*Client, error) {
		if passwordChanged.Load() {
			return nil, fmt.Errorf("test: %w", ErrAuthFailed)
		}
		return DialIMAP(ctx, ep, username, password, opts)
	}})
	defer p.Close()
	ctx := context.Background()

	// Idle past MaxAge: the next Get logs in again, which now fails.
	conn, err := p.Get(ctx, srv.endpoint, memUser, memPassword, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	first := conn.Client
	conn.Release()
	passwordChanged.Store(true)
	time.Sleep(maxAge + 50*time.Millisecond)
	if _, err := p.Get(ctx, srv.endpoint, memUser, memPassword, DialOptions{}); !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("Get after MaxAge with the password changed on the server: %v, want ErrAuthFailed", err)
	}
	if !first.Broken() {
		t.Error("the connection past MaxAge was not closed")
	}

	// Busy past MaxAge: released, it is closed instead of pooled.
	passwordChanged.Store(false)
	conn, err = p.Get(ctx, srv.endpoint, memUser, memPassword, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(maxAge + 50*time.Millisecond)
	conn.Release()
	if s := p.Stats(); s.Idle != 0 || s.Open != 0 {
		t.Fatalf("a connection released past MaxAge was pooled: %+v", s)
	}
	if !conn.Client.Broken() {
		t.Error("the connection released past MaxAge was not closed")
	}
}
