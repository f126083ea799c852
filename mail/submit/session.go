package submit

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/webmail/webmail/mail"
)

// defaultDialTimeout bounds dial, TLS, greeting, EHLO, STARTTLS and AUTH
// together, as mail.DialIMAP does for IMAP.
const defaultDialTimeout = 10 * time.Second

// Options configures Submit and MaxSize.
type Options struct {
	// TLSConfig is used for smtps:// and smtp+starttls://. nil means the
	// system roots; ServerName defaults to the endpoint's host.
	TLSConfig *tls.Config
	// HelloName is the name given in EHLO; "" means "localhost". With
	// STARTTLS the first EHLO, before TLS, always says "localhost".
	HelloName string
	// DialTimeout bounds everything up to and including the login. Zero
	// means 10 seconds. The transaction after it is bounded by the
	// context only: a large message takes as long as it takes.
	DialTimeout time.Duration
}

// session is one SMTP connection under a context: when the context ends,
// the connection is closed, which aborts whatever go-smtp is waiting for.
type session struct {
	ep     mail.Endpoint
	conn   net.Conn
	client *smtp.Client
	stop   func() bool // undoes the AfterFunc that closes conn
	ctx    context.Context
}

// open dials ep, sets up TLS as the endpoint says, reads the greeting and
// says EHLO. setup bounds only these steps and the login that follows;
// the caller must call loggedIn when done with them.
func open(ctx context.Context, ep mail.Endpoint, opts Options) (*session, context.CancelFunc, error) {
	timeout := opts.DialTimeout
	if timeout <= 0 {
		timeout = defaultDialTimeout
	}
	setup, cancel := context.WithTimeout(ctx, timeout)
	var dialer net.Dialer
	conn, err := dialer.DialContext(setup, "tcp", ep.Host)
	if err != nil {
		cancel()
		return nil, nil, classify("dial", "", contextCause(setup, err))
	}
	s := &session{ep: ep, conn: conn, ctx: setup}
	s.stop = context.AfterFunc(setup, func() { conn.Close() })
	fail := func(op string, err error) (*session, context.CancelFunc, error) {
		err = s.cause(err) // before cancel, which would hide the real cause
		s.stop()
		conn.Close()
		cancel()
		return nil, nil, classify(op, "", err)
	}

	tlsConfig := &tls.Config{}
	if opts.TLSConfig != nil {
		tlsConfig = opts.TLSConfig.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = ep.ServerName()
	}
	if tlsConfig.MinVersion == 0 {
		tlsConfig.MinVersion = tls.VersionTLS12
	}
	helloName := opts.HelloName
	if helloName == "" {
		helloName = "localhost"
	}
	switch ep.Security {
	case mail.SecurityTLS:
		tlsConn := tls.Client(conn, tlsConfig)
		if err := tlsConn.HandshakeContext(setup); err != nil {
			return fail("tls", err)
		}
		s.client = smtp.NewClient(tlsConn)
	case mail.SecurityStartTLS:
		// NewClientStartTLS refuses a server that does not offer
		// STARTTLS: the password never travels in the clear on an
		// endpoint that promised encryption.
		c, err := smtp.NewClientStartTLS(conn, tlsConfig)
		if err != nil {
			return fail("starttls", err)
		}
		s.client = c
	default:
		s.client = smtp.NewClient(conn)
	}
	if err := s.client.Hello(helloName); err != nil {
		return fail("hello", err)
	}
	return s, cancel, nil
}

// loggedIn ends the setup deadline: from now on only ctx bounds the
// session.
func (s *session) loggedIn(ctx context.Context, cancelSetup context.CancelFunc) bool {
	if !s.stop() {
		cancelSetup()
		return false // the setup deadline closed the connection already
	}
	cancelSetup()
	s.ctx = ctx
	conn := s.conn
	s.stop = context.AfterFunc(ctx, func() { conn.Close() })
	return true
}

// close ends the session politely when it can, and always closes the
// connection.
func (s *session) close() {
	if s.stop() {
		_ = s.client.Quit()
	}
	s.conn.Close()
}

// cause replaces the network error a closed connection produced with the
// reason it was closed: the context's deadline or cancellation.
func (s *session) cause(err error) error {
	return contextCause(s.ctx, err)
}

func contextCause(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", context.Cause(ctx), err)
	}
	return err
}

// auth logs in with AUTH PLAIN, or AUTH LOGIN for servers that offer
// only that. A server that offers neither on this connection is an error
// rather than an attempt that would fail anyway.
func (s *session) auth(username, password string) error {
	var client sasl.Client
	switch {
	case s.client.SupportsAuth(sasl.Plain):
		client = sasl.NewPlainClient("", username, password)
	case s.client.SupportsAuth(sasl.Login):
		client = sasl.NewLoginClient(username, password)
	default:
		return &Error{Op: "auth", err: errors.New("server offers no password login on this connection")}
	}
	if err := s.client.Auth(client); err != nil {
		return classify("auth", "", s.cause(err))
	}
	return nil
}

// classify turns a go-smtp or network error into an *Error.
func classify(op, recipient string, err error) *Error {
	e := &Error{Op: op, Recipient: recipient, err: err}
	var smtpErr *smtp.SMTPError
	if !errors.As(err, &smtpErr) {
		// No verdict from the server: the network, a timeout, a protocol
		// error. The message is fine; the path is not (yet).
		e.temporary = true
		return e
	}
	e.Code = smtpErr.Code
	if c := smtpErr.EnhancedCode; c != smtp.EnhancedCodeNotSet && c != smtp.NoEnhancedCode {
		e.EnhancedCode = fmt.Sprintf("%d.%d.%d", c[0], c[1], c[2])
	}
	e.ServerText = cleanServerText(smtpErr.Message)
	// Only 5xx is a refusal; a reply outside 4xx/5xx where another was
	// expected is a confused server, worth another try later.
	e.temporary = smtpErr.Code/100 != 5
	if op == "auth" && (smtpErr.Code == 535 || e.EnhancedCode == "5.7.8") {
		e.auth = true
	}
	return e
}

// checkAddress refuses what cannot go into MAIL FROM or RCPT TO without
// changing the command: control characters (CR, LF, NUL: command
// injection), spaces and angle brackets (parameter injection), and
// non-ASCII, which needs SMTPUTF8 that we do not ask for.
func checkAddress(addr string, allowEmpty bool) bool {
	if addr == "" {
		return allowEmpty
	}
	if len(addr) > 254 || !strings.Contains(addr, "@") {
		return false
	}
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		if c <= ' ' || c >= 0x7f || c == '<' || c == '>' {
			return false
		}
	}
	return true
}
