package submit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-smtp"

	"github.com/webmail/webmail/mail"
)

// Envelope is the SMTP envelope of one message: who it is from and every
// recipient, Bcc included (the builder never writes Bcc into the header).
type Envelope struct {
	// From is the MAIL FROM address (bounces go there); "" sends the
	// null sender.
	From string
	// To are the RCPT TO addresses. Duplicates (case-insensitive) are
	// sent once.
	To []string
	// Size is the message size in bytes if known, sent as MAIL FROM
	// SIZE= so a server with a limit refuses before the upload; 0 if
	// unknown.
	Size int64
}

// Receipt is the server's acceptance of a message.
type Receipt struct {
	// ServerText is the reply to the final dot, cleaned like
	// Error.ServerText ("2.0.0 Ok: queued as 4Xyz"): for logs and the
	// outbox record.
	ServerText string
}

// Submit sends message to env's recipients through the submission server
// ep in one SMTP transaction: connect as ep says, log in when username is
// not "", MAIL FROM, RCPT TO for each recipient, DATA with the message
// copied from message (CRLF line endings; it is streamed, never held
// whole). Any recipient the server refuses fails the whole submission
// before DATA, so the message is sent to all recipients or none.
//
// A failure is an *Error (see Temporary, UserMessage). When message itself
// fails to read, the transaction is abandoned before the final dot, so the
// server discards what it got; the *Error wraps the reader's error and is
// temporary.
func Submit(ctx context.Context, ep mail.Endpoint, username, password string, env Envelope, message io.Reader, opts Options) (Receipt, error) {
	recipients, err := checkEnvelope(env)
	if err != nil {
		return Receipt{}, err
	}
	s, cancelSetup, err := open(ctx, ep, opts)
	if err != nil {
		return Receipt{}, err
	}
	if username != "" {
		if err := s.auth(username, password); err != nil {
			s.stop()
			s.conn.Close()
			cancelSetup()
			return Receipt{}, err
		}
	}
	if !s.loggedIn(ctx, cancelSetup) {
		s.conn.Close()
		return Receipt{}, classify("auth", "", s.cause(errors.New("connection closed")))
	}
	defer s.close()

	var mailOpts *smtp.MailOptions
	if env.Size > 0 {
		mailOpts = &smtp.MailOptions{Size: env.Size}
	}
	if err := s.client.Mail(env.From, mailOpts); err != nil {
		return Receipt{}, classify("mail from", "", s.cause(err))
	}
	for _, rcpt := range recipients {
		if err := s.client.Rcpt(rcpt, nil); err != nil {
			return Receipt{}, classify("rcpt to", rcpt, s.cause(err))
		}
	}
	data, err := s.client.Data()
	if err != nil {
		return Receipt{}, classify("data", "", s.cause(err))
	}
	if _, err := io.Copy(data, readerOnly{message}); err != nil {
		// Close the connection without the final dot: the server drops
		// the half message instead of delivering it.
		s.stop()
		s.conn.Close()
		return Receipt{}, classify("data", "", s.cause(err))
	}
	resp, err := data.CloseWithResponse()
	if err != nil {
		e := classify("data", "", s.cause(err))
		var smtpErr *smtp.SMTPError
		if !errors.As(err, &smtpErr) {
			e.Ambiguous = true
		}
		return Receipt{}, e
	}
	return Receipt{ServerText: cleanServerText(resp.StatusText)}, nil
}

// readerOnly hides WriterTo, so a read error from the message is seen by
// io.Copy as a read error and not confused with the connection's.
type readerOnly struct{ io.Reader }

// checkEnvelope validates the addresses and drops duplicate recipients.
func checkEnvelope(env Envelope) ([]string, error) {
	if !checkAddress(env.From, true) {
		return nil, &Error{Op: "envelope", badAddr: true, Recipient: env.From,
			err: fmt.Errorf("sender %q cannot go into an SMTP command", env.From)}
	}
	if len(env.To) == 0 {
		return nil, &Error{Op: "envelope", err: errors.New("no recipients")}
	}
	seen := make(map[string]bool, len(env.To))
	recipients := make([]string, 0, len(env.To))
	for _, rcpt := range env.To {
		if !checkAddress(rcpt, false) {
			return nil, &Error{Op: "envelope", badAddr: true, Recipient: rcpt,
				err: fmt.Errorf("recipient %q cannot go into an SMTP command", rcpt)}
		}
		key := strings.ToLower(rcpt)
		if seen[key] {
			continue
		}
		seen[key] = true
		recipients = append(recipients, rcpt)
	}
	return recipients, nil
}
