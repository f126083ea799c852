package mail

import (
	"fmt"
	"testing"
	"time"
)

// TestDovecotWatcherPushesDeliveries: a message delivered through Postfix
// into Dovecot reaches the watcher through IDLE.
func TestDovecotWatcherPushesDeliveries(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	w := NewWatcher(WatcherOptions{PollInterval: time.Hour, IdleRefresh: time.Hour}) // IDLE or nothing
	updates, stop := w.Watch(ep, email, password, DialOptions{})
	defer stop()
	nextStatus(t, updates, func(st MailboxStatus) bool { return st.Messages == 0 })
	for i := 1; i <= 2; i++ {
		raw := fmt.Sprintf("From: a@example.test\r\nTo: %s\r\nSubject: push %d\r\nMessage-ID: <push-%d@example.test>\r\n\r\nhello\r\n", email, i, i)
		env.Deliver(t, "a@example.test", email, []byte(raw))
		nextStatus(t, updates, func(st MailboxStatus) bool { return st.Messages == uint32(i) && st.Unseen == uint32(i) })
	}
}
