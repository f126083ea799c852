package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-smtp"
)

// Options configures Start. The zero value starts an empty demo@example.test
// account on free loopback ports.
type Options struct {
	// Host is the address both servers listen on; default "127.0.0.1".
	Host string
	// IMAPPort and SMTPPort are the ports to listen on; 0 picks a free port.
	IMAPPort, SMTPPort int
	// Users maps email address to password; default
	// {"demo@example.test": "demo"}. Addresses are case-insensitive.
	Users map[string]string
	// Seed fills each user's mailboxes with sample mail (see Folders).
	Seed bool
	// Now is the reference time for seeded dates; zero means time.Now().
	Now time.Time
	// Logger receives server events; nil discards them.
	Logger *slog.Logger
}

// DefaultUser and DefaultPassword are the account Start creates when
// Options.Users is empty.
const (
	DefaultUser     = "demo@example.test"
	DefaultPassword = "demo"
)

// Limits shared by SMTP and IMAP APPEND.
const (
	// MaxMessageBytes is the largest message the servers accept.
	MaxMessageBytes = 25 << 20
	// MaxRecipients is the largest number of RCPT TO per SMTP transaction.
	MaxRecipients = 100
)

// Server is a running demo backend. Close it when done.
type Server struct {
	// IMAPAddr and SMTPAddr are the host:port the servers actually listen on.
	IMAPAddr, SMTPAddr string

	imap     *imapserver.Server
	smtp     *smtp.Server
	imapLn   *ownedListener
	smtpLn   *ownedListener
	serving  sync.WaitGroup
	stopping chan struct{} // closed when Close begins
	closing  sync.Once
	closeErr error
}

// closeWait bounds how long Close waits for the accept loops. They end as
// soon as their listeners are closed; the bound only turns a bug there into
// an error instead of a shutdown (or a test run) that never ends.
const closeWait = 10 * time.Second

// Start creates the accounts, seeds them when asked, and starts the IMAP and
// SMTP servers. ctx bounds start-up only; the servers run until Close.
func Start(ctx context.Context, opts Options) (*Server, error) {
	opts = withDefaults(opts)
	logger := opts.Logger
	if !isLoopback(opts.Host) {
		// Passwords travel in clear text; acceptable for demo data on
		// loopback, worth a warning anywhere else.
		logger.Warn("demo: listening beyond loopback with plain-text authentication", "host", opts.Host)
	}

	accts, err := newAccounts(opts.Users)
	if err != nil {
		return nil, err
	}
	if opts.Seed {
		began := time.Now()
		for _, acct := range accts.list() {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("demo: seed: %w", err)
			}
			if err := seedAccount(acct, opts.Now); err != nil {
				return nil, err
			}
		}
		logger.Info("demo: seeded sample mail", "users", len(accts.byAddress), "took", time.Since(began))
	}

	var lc net.ListenConfig
	imapLn, err := lc.Listen(ctx, "tcp", net.JoinHostPort(opts.Host, strconv.Itoa(opts.IMAPPort)))
	if err != nil {
		return nil, fmt.Errorf("demo: imap listen: %w", err)
	}
	smtpLn, err := lc.Listen(ctx, "tcp", net.JoinHostPort(opts.Host, strconv.Itoa(opts.SMTPPort)))
	if err != nil {
		imapLn.Close()
		return nil, fmt.Errorf("demo: smtp listen: %w", err)
	}

	s := &Server{
		IMAPAddr: imapLn.Addr().String(),
		SMTPAddr: smtpLn.Addr().String(),
		imap:     newIMAPServer(accts, logger),
		smtp:     newSMTPServer(accts, logger),
		imapLn:   newOwnedListener(imapLn),
		smtpLn:   newOwnedListener(smtpLn),
		stopping: make(chan struct{}),
	}
	s.serve("imap", logger, func() error { return s.imap.Serve(s.imapLn) })
	s.serve("smtp", logger, func() error { return s.smtp.Serve(s.smtpLn) })
	logger.Info("demo: mail servers listening", "imap", s.IMAPAddr, "smtp", s.SMTPAddr)
	return s, nil
}

// serve runs one server loop in the background until Close.
func (s *Server) serve(name string, logger *slog.Logger, run func() error) {
	s.serving.Add(1)
	go func() {
		defer s.serving.Done()
		err := run()
		select {
		case <-s.stopping:
			// Whatever the loop returns once Close has begun is the stop
			// itself (go-imap says "server closed" if Close came first).
			return
		default:
		}
		if err != nil && !errors.Is(err, net.ErrClosed) {
			logger.Error("demo: server stopped", "server", name, "err", err)
		}
	}()
}

// Close stops both servers, drops their connections and waits, for at most
// closeWait, for the accept loops to end. Calling it again returns the first
// result.
func (s *Server) Close() error {
	s.closing.Do(func() {
		close(s.stopping)
		var errs []error
		if err := s.imap.Close(); err != nil {
			errs = append(errs, fmt.Errorf("demo: close imap: %w", err))
		}
		if err := s.smtp.Close(); err != nil {
			errs = append(errs, fmt.Errorf("demo: close smtp: %w", err))
		}
		// Closed here, not only through the servers' Close: an accept loop
		// not yet running has not handed its listener to its server.
		if err := s.imapLn.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, fmt.Errorf("demo: close imap listener: %w", err))
		}
		if err := s.smtpLn.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, fmt.Errorf("demo: close smtp listener: %w", err))
		}
		if err := s.waitServing(); err != nil {
			errs = append(errs, err)
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// waitServing waits for the accept loops to return, for at most closeWait.
func (s *Server) waitServing() error {
	done := make(chan struct{})
	go func() {
		s.serving.Wait()
		close(done)
	}()
	timer := time.NewTimer(closeWait)
	defer timer.Stop()
	select {
	case <-done:
		return nil
	case <-timer.C:
		return fmt.Errorf("demo: close: servers still accepting after %v", closeWait)
	}
}

// withDefaults fills in the documented defaults without touching the
// caller's map.
func withDefaults(opts Options) Options {
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	if len(opts.Users) == 0 {
		opts.Users = map[string]string{DefaultUser: DefaultPassword}
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return opts
}

// isLoopback reports whether host names only this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
