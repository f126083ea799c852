package mime

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidField is matched (errors.Is) by every *FieldError.
var ErrInvalidField = errors.New("mime: invalid header field")

// ErrInvalidAddress is matched by every *AddressError.
var ErrInvalidAddress = errors.New("mime: invalid address")

// ErrNoRecipients reports a message to send with no To, Cc or Bcc.
var ErrNoRecipients = errors.New("mime: no recipients")

// FieldError reports a field of an Outgoing message that cannot become a
// header: most often a line break, which would let the field's author
// write headers of their own (header injection).
type FieldError struct {
	// Field names the field for the user: "Subject", "Message-ID",
	// "Attachment 2 content ID", "Header X-Mailer".
	Field string
	// Reason says what is wrong, in words fit for the user.
	Reason string
}

// Error returns "mime: FIELD: REASON".
func (e *FieldError) Error() string { return "mime: " + e.Field + ": " + e.Reason }

// Is matches ErrInvalidField.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidField }

// UserMessage is the sentence to show the user.
func (e *FieldError) UserMessage() string {
	return fmt.Sprintf("%s %s.", e.Field, e.Reason)
}

// AddressError reports an address the user typed, or the message holds,
// that is not valid: it names the field and the address, so the compose
// page can point at it.
type AddressError struct {
	// Field is the address field: "From", "To", "Cc", "Bcc", "Reply-To",
	// "Sender", "Read receipt".
	Field string
	// Address is the offending entry as given, with control characters
	// shown as "?" so that it can be displayed.
	Address string
	// Reason says what is wrong, in words fit for the user.
	Reason string
}

// Error returns "mime: FIELD: "ADDRESS": REASON".
func (e *AddressError) Error() string {
	return fmt.Sprintf("mime: %s: %q: %s", e.Field, e.Address, e.Reason)
}

// Is matches ErrInvalidAddress.
func (e *AddressError) Is(target error) bool { return target == ErrInvalidAddress }

// UserMessage is the sentence to show the user.
func (e *AddressError) UserMessage() string {
	if e.Address == "" {
		return fmt.Sprintf("%s: %s.", e.Field, e.Reason)
	}
	return fmt.Sprintf("%s: %q is not a valid address: %s.", e.Field, e.Address, e.Reason)
}

func addressError(field, address, reason string) *AddressError {
	return &AddressError{Field: field, Address: printable(address), Reason: reason}
}

// printable replaces control characters, so an error can quote input
// that was refused for holding them.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return '?'
		}
		return r
	}, s)
}

// isControl reports C0 controls (CR, LF and NUL among them), DEL and the
// C1 controls. Tab is one too: callers that allow it check for it first.
func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)
}

// hasControl reports whether s holds a control character other than tab.
func hasControl(s string) bool {
	for _, r := range s {
		if r != '\t' && isControl(r) {
			return true
		}
	}
	return false
}

// checkText refuses header text with control characters: a CR or LF
// would end the header line, and NUL and the others have no business in
// a header either.
func checkText(field, value string) error {
	if hasControl(value) {
		return &FieldError{Field: field, Reason: "must not contain line breaks or control characters"}
	}
	return nil
}
