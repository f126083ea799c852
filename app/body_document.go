package app

import (
	"context"
	"errors"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// BodyInput asks for the HTML body of a message, or of a message attached
// to it.
type BodyInput struct {
	Mailbox string
	UID     uint32
	// Part is the part path of an attached message; nil for the message.
	Part []string
	// AllowRemote keeps remote images (the user asked, or trusts the
	// sender: the message page decided and put it in the body's URL).
	AllowRemote bool
}

// MessageBody returns the sanitized HTML body of a message, for the
// document the message page frames in a sandboxed iframe. Right after the
// page on the same instance it is served from what the page built (one
// SELECT or NOOP to check UIDVALIDITY, no fetch); elsewhere it is fetched,
// parsed and sanitized again.
func (a *App) MessageBody(ctx context.Context, sess *session.Session, in BodyInput) (string, error) {
	var body *sanitizedBody
	err := a.withIMAP(ctx, sess, func(client *mail.Client) error {
		parsed, key, err := a.readMessage(ctx, client, sess, messageRef{mailbox: in.Mailbox, uid: in.UID, part: in.Part})
		if err != nil {
			return err
		}
		if parsed.unreadable {
			return &Error{Code: CodeUnreadable, Title: "Unreadable message", Message: "This message could not be read.",
				Err: errors.New("app: message parse failed")}
		}
		body = a.body(key, parsed, in.AllowRemote)
		return nil
	})
	if err != nil {
		return "", err
	}
	return body.html, nil
}
