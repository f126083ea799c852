package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	stdmime "mime"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"

	"github.com/webmail/webmail/mail/mime"
)

// defaultDialTimeout bounds dialing, TLS, the greeting and login together.
const defaultDialTimeout = 10 * time.Second

// DialOptions configures DialIMAP.
type DialOptions struct {
	// TLSConfig is used for imaps:// and imap+starttls://. nil means the
	// system roots; ServerName defaults to the endpoint's host.
	TLSConfig *tls.Config
	// Timeout bounds dial, TLS handshake, greeting and login together.
	// Zero means 10 seconds.
	Timeout time.Duration
	// OnUpdate, if set, is called (on the connection's reader goroutine;
	// it must not block) whenever the server reports a change without
	// being asked: new messages, expunges, flag changes. Watchers use it
	// to end IDLE.
	OnUpdate func()
}

// DialIMAP connects to the IMAP server at ep and logs in. A wrong username
// or password is ErrAuthFailed; a server that cannot be reached, fails the
// TLS handshake, greets with BYE or does not answer in time is
// ErrUnavailable.
func DialIMAP(ctx context.Context, ep Endpoint, username, password string, opts DialOptions) (*Client, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = defaultDialTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", ep.Host)
	if err != nil {
		return nil, fmt.Errorf("mail: dial %s: %w: %w", ep, ErrUnavailable, err)
	}
	// Until login is done, the deadline is enforced by closing the socket.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	c, err := startIMAP(ctx, ep, conn, opts.TLSConfig, opts.OnUpdate)
	if err == nil {
		err = c.login(username, password)
	}
	if !stop() {
		if c != nil {
			c.imap.Close()
		}
		conn.Close()
		return nil, fmt.Errorf("mail: dial %s: %w: %w", ep, ErrUnavailable, context.Cause(ctx))
	}
	if err != nil {
		if c != nil {
			c.imap.Close()
		}
		conn.Close()
		return nil, err
	}
	return c, nil
}

// startIMAP sets up TLS as the endpoint asks and waits for the greeting.
func startIMAP(ctx context.Context, ep Endpoint, conn net.Conn, base *tls.Config, onUpdate func()) (*Client, error) {
	tlsConfig := &tls.Config{}
	if base != nil {
		tlsConfig = base.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = ep.ServerName()
	}
	if tlsConfig.MinVersion == 0 {
		tlsConfig.MinVersion = tls.VersionTLS12
	}
	options := &imapclient.Options{
		TLSConfig: tlsConfig,
		// Subjects and names in ENVELOPE decode with our lenient charsets.
		WordDecoder: &stdmime.WordDecoder{CharsetReader: mime.CharsetReader},
	}
	if onUpdate != nil {
		options.UnilateralDataHandler = &imapclient.UnilateralDataHandler{
			Expunge: func(uint32) { onUpdate() },
			Mailbox: func(*imapclient.UnilateralDataMailbox) { onUpdate() },
			Fetch:   func(*imapclient.FetchMessageData) { onUpdate() },
		}
	}
	var ic *imapclient.Client
	switch ep.Security {
	case SecurityTLS:
		tlsConn := tls.Client(conn, tlsConfig)
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			return nil, fmt.Errorf("mail: dial %s: TLS: %w: %w", ep, ErrUnavailable, err)
		}
		ic = imapclient.New(tlsConn, options)
	case SecurityStartTLS:
		var err error
		ic, err = imapclient.NewStartTLS(conn, options)
		if err != nil {
			return nil, fmt.Errorf("mail: dial %s: STARTTLS: %w: %w", ep, ErrUnavailable, err)
		}
	default:
		ic = imapclient.New(conn, options)
	}
	c := &Client{endpoint: ep, conn: conn, imap: ic}
	if err := ic.WaitGreeting(); err != nil {
		return c, fmt.Errorf("mail: dial %s: greeting: %w: %w", ep, ErrUnavailable, err)
	}
	return c, nil
}

// login authenticates with LOGIN, or AUTHENTICATE PLAIN when the server
// disables LOGIN.
func (c *Client) login(username, password string) error {
	caps := c.imap.Caps()
	var err error
	switch {
	case !caps.Has(imap.CapLoginDisabled):
		err = c.imap.Login(username, password).Wait()
	case hasAuthMechanism(caps, sasl.Plain):
		err = c.imap.Authenticate(sasl.NewPlainClient("", username, password))
	default:
		return fmt.Errorf("mail: login at %s: %w: server allows no password login on this connection", c.endpoint, ErrUnavailable)
	}
	if err == nil {
		return nil
	}
	var imapErr *imap.Error
	if errors.As(err, &imapErr) && imapErr.Type == imap.StatusResponseTypeNo {
		switch imapErr.Code {
		case imap.ResponseCodeUnavailable, imap.ResponseCodeServerBug,
			imap.ResponseCodePrivacyRequired, imap.ResponseCodeContactAdmin:
			// The server cannot check the password now, or wants TLS:
			// telling the user their password is wrong would be a lie.
		default:
			return fmt.Errorf("mail: login at %s: %w: %w", c.endpoint, ErrAuthFailed, err)
		}
	}
	return fmt.Errorf("mail: login at %s: %w: %w", c.endpoint, ErrUnavailable, err)
}

func hasAuthMechanism(caps imap.CapSet, mech string) bool {
	for _, m := range caps.AuthMechanisms() {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}
