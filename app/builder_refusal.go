package app

import (
	"errors"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/mail/mime"
)

// builderRefusal is the message builder's refusal of an address or a
// header field as the user reads it, or nil when err is neither: the
// field, the entry and why, each an English catalog key (i18n.Text)
// translated where the error is shown.
func builderRefusal(title string, err error) *Error {
	var ae *mime.AddressError
	var fe *mime.FieldError
	var e *Error
	switch {
	case errors.As(err, &ae) && ae.Address == "":
		e = Errorf(CodeInvalid, title, "%s: %s.", i18n.Text(ae.Field), i18n.Text(ae.Reason))
	case errors.As(err, &ae):
		e = Errorf(CodeInvalid, title, "%s: “%s” is not a valid address: %s.", i18n.Text(ae.Field), ae.Address, i18n.Text(ae.Reason))
	case errors.As(err, &fe):
		e = Errorf(CodeInvalid, title, "%s %s.", i18n.Text(fe.Field), i18n.Text(fe.Reason))
	default:
		return nil
	}
	e.Err = err
	return e
}
