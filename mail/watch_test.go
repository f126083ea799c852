package mail

import (
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

func nextStatus(t *testing.T, ch <-chan MailboxStatus, want func(MailboxStatus) bool) MailboxStatus {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case st, ok := <-ch:
			if !ok {
				t.Fatal("watch ended")
			}
			if want(st) {
				return st
			}
		case <-deadline:
			t.Fatal("no matching status within 10 s")
		}
	}
}

func TestWatcherPushesNewMailWithIdle(t *testing.T) {
	srv := startMemServer(t, imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIdle: {}})
	srv.append(t, "INBOX", testMessage(1, false))
	// go-imap's in-memory server can lose a change made just before IDLE
	// begins; the refresh covers that. Push itself is proven against
	// Dovecot (watch_dovecot_test.go), with no refresh to fall back on.
	w := NewWatcher(WatcherOptions{PollInterval: time.Hour, IdleRefresh: time.Second})
	updates, stop := w.Watch(srv.endpoint, memUser, memPassword, DialOptions{})
	defer stop()
	first := nextStatus(t, updates, func(MailboxStatus) bool { return true })
	if first.Messages != 1 || first.Unseen != 1 {
		t.Fatalf("first status %+v", first)
	}
	// A second tab of the same user shares the connection and gets the
	// current counts at once.
	second, stop2 := w.Watch(srv.endpoint, memUser, memPassword, DialOptions{})
	if st := nextStatus(t, second, func(MailboxStatus) bool { return true }); st != first {
		t.Fatalf("second subscriber got %+v", st)
	}
	if n := w.Watching(); n != 1 {
		t.Fatalf("watching %d users, want 1 connection for both tabs", n)
	}
	for i := 2; i <= 3; i++ {
		srv.append(t, "INBOX", testMessage(i, false))
	}
	nextStatus(t, updates, func(st MailboxStatus) bool { return st.Messages == 3 && st.Unseen == 3 })
	nextStatus(t, second, func(st MailboxStatus) bool { return st.Messages == 3 })
	stop2()
	stop()
	if w.Watching() != 0 {
		t.Fatal("the watch is still listed after its last subscriber left")
	}
}

func TestWatcherPollsWithoutIdle(t *testing.T) {
	srv := startMemServer(t, nil)
	// go-imap's server always offers IDLE; DisableIdle takes the path a
	// server without it gets.
	w := NewWatcher(WatcherOptions{PollInterval: 100 * time.Millisecond, DisableIdle: true})
	updates, stop := w.Watch(srv.endpoint, memUser, memPassword, DialOptions{})
	defer stop()
	nextStatus(t, updates, func(st MailboxStatus) bool { return st.Messages == 0 })
	srv.append(t, "INBOX", testMessage(1, false))
	nextStatus(t, updates, func(st MailboxStatus) bool { return st.Messages == 1 })
}

func TestWatcherEndsOnWrongPassword(t *testing.T) {
	srv := startMemServer(t, nil)
	w := NewWatcher(WatcherOptions{})
	updates, stop := w.Watch(srv.endpoint, memUser, "wrong", DialOptions{})
	defer stop()
	select {
	case _, ok := <-updates:
		if ok {
			t.Fatal("got a status for a wrong password")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the watch did not end")
	}
}
