package testenv

import (
	"fmt"
	"testing"
)

// MailBackend is a Dovecot and Postfix pair of one test's own, serving its
// own domain on its own loopback address (127.0.0.x), as one of several
// mail backends behind front hosts. Dovecot serves IMAP and POP3 without
// TLS; Postfix accepts mail for the domain on SMTPAddr and, on
// SubmissionAddr, from authenticated users or from the hosts the test lets
// vouch for a user with XCLIENT (a mail proxy).
type MailBackend struct {
	// Mail is the pair: addresses, AddUser, IMAPClient, WaitForMessages.
	*Mail
	// Host is the loopback address every listener binds.
	Host string
	// POP3Addr is Dovecot's plain-text POP3 listener.
	POP3Addr string
	// Postfix stops and starts this backend's Postfix (on the same
	// addresses, keeping its queue).
	Postfix *Postfix
}

// NewMailBackend starts a pair for domain on host (a 127.0.0.x address),
// with XCLIENT on submission allowed from xclientHosts (for example the
// mail proxy's address; "" = nobody). It is stopped when the test ends.
func NewMailBackend(t testing.TB, host, domain, xclientHosts string) *MailBackend {
	t.Helper()
	s, err := startMailServer(mailOptions{host: host, domain: domain, pop3: true, xclientHosts: xclientHosts})
	if err != nil {
		t.Fatalf("testenv: mail backend %s on %s: %v", domain, host, err)
	}
	t.Cleanup(func() {
		_ = s.postfix.proc.stop()
		_ = s.dovecot.proc.stop()
		s.recipients.listener.Close()
	})
	m := &Mail{IMAPAddr: s.imapAddr, SubmissionAddr: s.submissionAddr, SMTPAddr: s.smtpAddr,
		LMTPAddr: s.lmtpAddr, AuthAddr: s.authAddr, Domain: s.domain, server: s}
	return &MailBackend{Mail: m, Host: host, POP3Addr: s.pop3Addr,
		Postfix: &Postfix{SubmissionAddr: s.submissionAddr, SMTPAddr: s.smtpAddr, server: s.postfix}}
}

// String names the backend in messages.
func (b *MailBackend) String() string { return fmt.Sprintf("%s on %s", b.Domain, b.Host) }

// AddUserAs creates the user email (of this backend's domain) with
// password, for a test that needs one mailbox name on two backends (a
// domain moved from one to the other).
func (b *MailBackend) AddUserAs(t testing.TB, email, password string) {
	t.Helper()
	if err := b.server.addUser(email, password); err != nil {
		t.Fatalf("%v", err)
	}
}
