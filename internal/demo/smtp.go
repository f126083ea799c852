package demo

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// errRelayDenied answers RCPT TO for a non-local address from a client that
// has not logged in: the demo must never act as an open relay.
func errRelayDenied() error {
	return &smtp.SMTPError{
		Code:         550,
		EnhancedCode: smtp.EnhancedCode{5, 7, 1},
		Message:      "Relaying denied: log in to send to non-local addresses",
	}
}

// newSMTPServer builds the SMTP server. AUTH is allowed without TLS for the
// same reason as IMAP's InsecureAuth: loopback and demo data only.
func newSMTPServer(accts *accounts, logger *slog.Logger) *smtp.Server {
	backend := &smtpBackend{accounts: accts, logger: logger}
	s := smtp.NewServer(backend)
	s.Domain = "localhost"
	s.MaxMessageBytes = MaxMessageBytes
	s.MaxRecipients = MaxRecipients
	s.AllowInsecureAuth = true
	s.ReadTimeout = 5 * time.Minute
	s.WriteTimeout = time.Minute
	s.ErrorLog = printfLogger{logger: logger, prefix: "demo: smtp"}
	return s
}

// smtpBackend creates one session per SMTP connection.
type smtpBackend struct {
	accounts *accounts
	logger   *slog.Logger
}

// NewSession starts a session for a client that has said EHLO or HELO.
func (b *smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{backend: b, conn: c}, nil
}

// smtpSession is one SMTP connection: its login, if any, and the envelope of
// the transaction in progress.
type smtpSession struct {
	backend *smtpBackend
	conn    *smtp.Conn
	user    *account // nil until AUTH succeeds

	from   string
	local  []*account // recipients with a demo mailbox
	remote []string   // other recipients, accepted but never relayed
}

var _ smtp.AuthSession = (*smtpSession)(nil)

// AuthMechanisms offers PLAIN, what webmails and Thunderbird use.
func (s *smtpSession) AuthMechanisms() []string {
	return []string{sasl.Plain}
}

// Auth checks AUTH PLAIN credentials against the demo users.
func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && normalizeAddress(identity) != normalizeAddress(username) {
			return smtp.ErrAuthFailed // no acting on behalf of someone else
		}
		acct, err := s.backend.accounts.authenticate(username, password)
		if err != nil {
			s.backend.logger.Info("demo: smtp login refused", "user", username)
			return smtp.ErrAuthFailed
		}
		s.user = acct
		return nil
	}), nil
}

// Mail starts a transaction. Any sender is accepted: the demo does not
// police From for logged-in users, and unauthenticated clients can only
// reach local mailboxes anyway.
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

// Rcpt accepts local users from anyone, and other addresses only from
// logged-in users.
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if acct := s.backend.accounts.lookup(to); acct != nil {
		if !slices.Contains(s.local, acct) {
			s.local = append(s.local, acct)
		}
		return nil
	}
	if s.user == nil {
		return errRelayDenied()
	}
	s.remote = append(s.remote, normalizeAddress(to))
	return nil
}

// Data delivers the message to each local recipient's INBOX and logs the
// remote ones as not relayed.
func (s *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		var smtpErr *smtp.SMTPError
		if errors.As(err, &smtpErr) {
			return smtpErr // message too large
		}
		return fmt.Errorf("demo: smtp read message: %w", err)
	}
	d := delivery{
		from:          s.from,
		helo:          s.conn.Hostname(),
		remoteAddr:    s.conn.Conn().RemoteAddr().String(),
		authenticated: s.user != nil,
		received:      time.Now(),
	}
	for _, acct := range s.local {
		if err := d.deliver(acct, raw); err != nil {
			s.backend.logger.Error("demo: delivery failed", "to", acct.address, "err", err)
			return &smtp.SMTPError{
				Code:         451,
				EnhancedCode: smtp.EnhancedCode{4, 3, 0},
				Message:      "Delivery failed, try again later",
			}
		}
		s.backend.logger.Info("demo: delivered", "from", s.from, "to", acct.address, "bytes", len(raw))
	}
	for _, to := range s.remote {
		s.backend.logger.Info("demo: not relayed (demo)", "from", s.from, "to", to, "bytes", len(raw))
	}
	return nil
}

// Reset ends the transaction; the login stays.
func (s *smtpSession) Reset() {
	s.from = ""
	s.local = nil
	s.remote = nil
}

// Logout ends the session.
func (s *smtpSession) Logout() error {
	return nil
}
