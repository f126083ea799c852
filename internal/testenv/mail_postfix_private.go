package testenv

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Postfix is a Postfix instance of one test's own, in front of the shared
// Dovecot and user table: mail submitted to it reaches the same mailboxes
// as mail submitted to the shared Postfix, but stopping it leaves every
// other test alone. For tests of what happens while the SMTP server is
// down.
type Postfix struct {
	// SubmissionAddr is the submission listener: AUTH PLAIN or LOGIN
	// without TLS, required before any RCPT.
	SubmissionAddr string
	// SMTPAddr is the inbound SMTP listener: no AUTH, local recipients.
	SMTPAddr string

	mu     sync.Mutex // serialises Stop and Start
	server *postfixServer
}

// NewPostfix starts a private Postfix for this test, stopped when the test
// ends.
func (m *Mail) NewPostfix(t testing.TB) *Postfix {
	t.Helper()
	s := m.server
	dir, err := newDir("postfix")
	if err != nil {
		t.Fatalf("%v", err)
	}
	confDir := filepath.Join(dir, "conf")
	if err := os.MkdirAll(confDir, 0o755); err != nil {
		t.Fatalf("testenv: postfix: %v", err)
	}
	p := &postfixServer{dir: dir, confDir: confDir, bin: s.postfix.bin, host: s.host, domain: s.domain,
		lmtpAddr: s.lmtpAddr, authAddr: s.authAddr, socketmapAddr: s.recipients.addr}
	if err := retryStart("private postfix", p.start); err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() { _ = p.proc.stop() })
	return &Postfix{SubmissionAddr: p.submissionAddr, SMTPAddr: p.smtpAddr, server: p}
}

// Stop stops the instance: connections to its addresses are refused until
// Start. Mail in its queue stays there.
func (p *Postfix) Stop(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.server.proc.stop(); err != nil {
		t.Fatalf("%v", err)
	}
	// The daemons die a moment after the master: until the last one
	// holding a listening socket is gone, the kernel still accepts
	// connections on it.
	for _, addr := range []string{p.SubmissionAddr, p.SMTPAddr} {
		err := waitFor(nil, "postfix to stop listening on "+addr, startTimeout, func() error {
			conn, err := net.DialTimeout("tcp", addr, time.Second)
			if err != nil {
				return nil
			}
			conn.Close()
			return fmt.Errorf("%w: %s still accepts connections", errNotReady, addr)
		})
		if err != nil {
			t.Fatalf("%v", err)
		}
	}
}

// Start starts a stopped instance again on the same addresses, with the
// queue it had; deferred mail is then delivered.
func (p *Postfix) Start(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.server.run(); err != nil {
		_ = p.server.proc.kill()
		t.Fatalf("%v\n%s", err, p.server.proc.logTail())
	}
}
