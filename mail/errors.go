package mail

import "errors"

// ErrAuthFailed reports that the server rejected the username or password.
var ErrAuthFailed = errors.New("mail: authentication failed")

// ErrUnavailable reports that the server could not be reached or stopped
// answering: dial, TLS or greeting failures, dropped connections and timeouts.
var ErrUnavailable = errors.New("mail: server unavailable")

// ErrNotFound reports a mailbox, message UID or message part that does not
// exist. (mime.PartContent, which reads a message already fetched, reports a
// missing part with mime.ErrNotFound.)
var ErrNotFound = errors.New("mail: not found")

// ErrTooLarge reports a message larger than the caller's size limit.
var ErrTooLarge = errors.New("mail: message too large")

// ErrBadURL reports a server URL that ParseIMAPURL or ParseSMTPURL cannot use.
var ErrBadURL = errors.New("mail: bad server URL")

// ErrNotStreamable reports a part that StreamPart will not stream because
// the server's bytes for it may differ from mime.PartContent's: the server's
// view of a malformed message (BODYSTRUCTURE) can differ from
// mime.ParseMessage's, and Dovecot ends some attached messages one line break
// later. Nothing was written: fetch the whole message and use mime.PartContent.
var ErrNotStreamable = errors.New("mail: part cannot be streamed")
