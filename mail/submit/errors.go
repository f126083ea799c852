package submit

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// ErrAuthFailed is matched (errors.Is) by an [*Error] for a login the
// server refused: a wrong username or password. Such an error is
// permanent: the user must log in again.
var ErrAuthFailed = errors.New("submit: authentication failed")

// ErrBadAddress is matched by an [*Error] for an envelope address that
// cannot go into an SMTP command (control characters, spaces, angle
// brackets, non-ASCII): refused before anything is sent.
var ErrBadAddress = errors.New("submit: bad envelope address")

// Error is a failed submission.
type Error struct {
	// Op is the step that failed: "dial", "tls", "greeting", "hello",
	// "starttls", "auth", "mail from", "rcpt to", "data" or "envelope".
	Op string
	// Code is the server's SMTP reply code (421, 550, ...), 0 when the
	// server never answered (network failure, timeout).
	Code int
	// EnhancedCode is the RFC 3463 status ("5.1.1"), "" when absent.
	EnhancedCode string
	// ServerText is the server's reply text, on one line, without control
	// characters and at most maxServerText bytes: safe to show the user.
	ServerText string
	// Recipient is the address a RCPT TO failure is about, "" otherwise.
	Recipient string
	// Ambiguous is true when the whole message was sent but the server's
	// verdict was lost (the connection dropped after the final dot): the
	// server may have accepted it, so a retry may deliver it twice.
	Ambiguous bool

	temporary bool
	auth      bool
	badAddr   bool
	err       error
}

// maxServerText bounds the server text kept for the user.
const maxServerText = 300

// Temporary reports whether trying again later may succeed: network
// failures, timeouts, connection refused, 4xx replies. A 5xx reply or a
// refused login is permanent.
func (e *Error) Temporary() bool { return e.temporary }

// Error describes the failure for logs. It may contain network details;
// show the user UserMessage instead.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("submit: ")
	b.WriteString(e.Op)
	if e.Recipient != "" {
		fmt.Fprintf(&b, " <%s>", e.Recipient)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, ": %d", e.Code)
		if e.EnhancedCode != "" {
			b.WriteString(" " + e.EnhancedCode)
		}
		if e.ServerText != "" {
			b.WriteString(" " + e.ServerText)
		}
	}
	if e.Ambiguous {
		b.WriteString(" (message may have been accepted)")
	}
	if e.err != nil {
		b.WriteString(": ")
		b.WriteString(e.err.Error())
	}
	return b.String()
}

// Unwrap returns the cause (a network error, *smtp.SMTPError, ...).
func (e *Error) Unwrap() error { return e.err }

// Is matches ErrAuthFailed and ErrBadAddress.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrAuthFailed:
		return e.auth
	case ErrBadAddress:
		return e.badAddr
	}
	return false
}

// UserMessage is a sentence for the user: what went wrong and, when the
// server said something, what it said. It never holds local network
// details.
func (e *Error) UserMessage() string {
	var msg string
	switch {
	case e.auth:
		msg = "The mail server did not accept your username or password."
	case e.badAddr:
		msg = fmt.Sprintf("The address %q cannot be used for sending.", e.Recipient)
	case e.Code == 0 && e.temporary:
		msg = "The mail server could not be reached."
	case e.Recipient != "" && e.temporary:
		msg = fmt.Sprintf("The mail server cannot take mail for %s right now.", e.Recipient)
	case e.Recipient != "":
		msg = fmt.Sprintf("The mail server refused the recipient %s.", e.Recipient)
	case e.temporary:
		msg = "The mail server cannot take the message right now."
	default:
		msg = "The mail server refused the message."
	}
	if e.ServerText != "" {
		msg += " It said: " + e.ServerText
	}
	return msg
}

// cleanServerText makes a server reply safe to show: one line, printable,
// bounded. Servers put anything in their replies, including text meant to
// mislead a user if shown verbatim across lines.
func cleanServerText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxServerText {
		cut := maxServerText
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
