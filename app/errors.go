package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/store"
)

// Code says what kind of failure an *Error is; handlers maps each code to
// an HTTP status in one place (handlers/errors.go).
type Code int

// The codes. Keep them few: a code exists when the caller must act
// differently on it (another status, clear the cookie, retry later).
const (
	// CodeInternal is a failure on our side; the message is generic.
	CodeInternal Code = iota
	// CodeInvalid is input the user can correct.
	CodeInvalid
	// CodeNotFound is a message, folder or record that does not exist (or
	// is not the user's).
	CodeNotFound
	// CodeSignedOut means the session can no longer be used: the caller
	// ends it and asks the user to sign in again.
	CodeSignedOut
	// CodeWrongCredentials is a refused sign-in.
	CodeWrongCredentials
	// CodeLimited is an attempt refused by a rate limit; RetryAfter says
	// for how long.
	CodeLimited
	// CodeTooLarge is something over a size limit.
	CodeTooLarge
	// CodeConflict is a change that lost against another (another tab
	// saved first).
	CodeConflict
	// CodeUnavailable is a dependency that is down (mail server, database
	// primary, session store); trying again later may work.
	CodeUnavailable
	// CodeMailServer is a mail server that refused or failed a command.
	CodeMailServer
	// CodeUnreadable is a message the parser could not read.
	CodeUnreadable
)

// Error is a failure with a message prepared for the user. Err, the cause,
// is logged and never shown. Title and Message are in English and are
// catalog keys (package i18n): the handlers translate them into the user's
// language when they show them. A message with variable parts is made by
// Errorf, which keeps its format (the key) and arguments for that. The
// catalog check reads the literals given as Title, Message and to Errorf.
type Error struct {
	Code    Code
	Title   string // short, for a page title or heading
	Message string // one or two sentences the user reads, in English
	// Format and Args, when Format is set, are Message before formatting:
	// the catalog key and what fills it in the user's language.
	Format     string
	Args       []any
	RetryAfter time.Duration
	// Confirmable says the user may go on anyway (a plugin's warning;
	// SendInput.SendAnyway).
	Confirmable bool
	Err         error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return "app: " + e.Title + ": " + e.Err.Error()
	}
	return "app: " + e.Title
}

func (e *Error) Unwrap() error { return e.Err }

// AsError returns err's *Error, or nil when err carries none (an internal
// failure).
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Errorf is an *Error whose message has variable parts: format is an
// English catalog key ("There is no %s folder."), args fill it.
func Errorf(code Code, title, format string, args ...any) *Error {
	return &Error{Code: code, Title: title, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Invalid is an *Error for input the user can correct.
func Invalid(title, message string) *Error {
	return &Error{Code: CodeInvalid, Title: title, Message: message}
}

// NotFound is the *Error for a message, folder or record that is gone.
func NotFound(err error) *Error {
	return &Error{Code: CodeNotFound, Title: "Not found",
		Message: "This message or folder no longer exists. It may have been moved or deleted.", Err: err}
}

// signedOut is the *Error for a session that cannot be used any more.
func signedOut(message string, err error) *Error {
	return &Error{Code: CodeSignedOut, Title: "Signed out", Message: message, Err: err}
}

// mailError turns an error from the mail layer into what the user sees.
func mailError(err error) error {
	if AsError(err) != nil {
		return err
	}
	switch {
	case errors.Is(err, mail.ErrNotFound), errors.Is(err, mime.ErrNotFound):
		return NotFound(err)
	case errors.Is(err, mail.ErrTooLarge):
		return &Error{Code: CodeTooLarge, Title: "Message too large",
			Message: "This message is too large to open here. Download it or use a desktop mail program.", Err: err}
	case errors.Is(err, mail.ErrUnavailable):
		return &Error{Code: CodeUnavailable, Title: "Mail server unavailable",
			Message: "The mail server is not answering right now. Please try again in a minute.", Err: err}
	case errors.Is(err, mail.ErrAuthFailed):
		return signedOut("The mail server no longer accepts your password. Please sign in again.", err)
	default:
		return &Error{Code: CodeMailServer, Title: "Mail server error",
			Message: "The mail server could not do that. Please try again.", Err: err}
	}
}

// DependencyError is the *Error for a database failure that reached the
// caller without one (a write while the primary is down, a record gone),
// or nil when err is no such failure.
func DependencyError(err error) *Error {
	if !store.IsUnavailable(err) && !errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return AsError(storeError(err))
}

// storeError turns an error from the store into what the user sees. While
// the primary database is down, reading mail goes on (mail is on IMAP,
// reads fall back to a replica) and only saving fails, with a message that
// says so.
func storeError(err error) error {
	if AsError(err) != nil {
		return err
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &Error{Code: CodeNotFound, Title: "Not found",
			Message: "There is nothing here. It may have been deleted.", Err: err}
	case store.IsUnavailable(err):
		return &Error{Code: CodeUnavailable, Title: "Saving is unavailable right now",
			Message: "Saving is unavailable right now. Reading your mail still works; please try again in a few minutes.", Err: err}
	default:
		return err
	}
}
