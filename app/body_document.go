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

// BodyDocument is what a message's body document shows.
type BodyDocument struct {
	// HTML is the sanitized HTML body, or the text body made into HTML
	// (escaped, linkified, quotes folding: see textBodyHTML) when Text.
	HTML string
	// Text says the message has no HTML body: HTML is its text.
	Text bool
}

// MessageBody returns the sanitized HTML body of a message (or its text
// made into HTML, for a conversation's message that has no HTML), for the
// document the message page frames in a sandboxed iframe. Right after the
// page on the same instance it is served from what the page built (one
// SELECT or NOOP to check UIDVALIDITY, no fetch); elsewhere it is fetched,
// parsed and sanitized again.
func (a *App) MessageBody(ctx context.Context, sess *session.Session, in BodyInput) (BodyDocument, error) {
	var doc BodyDocument
	err := a.withIMAP(ctx, sess, func(client *mail.Client) error {
		parsed, key, err := a.readMessage(ctx, client, sess, messageRef{mailbox: in.Mailbox, uid: in.UID, part: in.Part})
		if err != nil {
			return err
		}
		if parsed.unreadable {
			return &Error{Code: CodeUnreadable, Title: "Unreadable message", Message: "This message could not be read.",
				Err: errors.New("app: message parse failed")}
		}
		if parsed.msg.HTML == "" {
			doc = BodyDocument{HTML: textHTML(ctx, parsed.msg), Text: true}
			return nil
		}
		doc.HTML = a.body(key, parsed, in.AllowRemote).html
		return nil
	})
	if err != nil {
		return BodyDocument{}, err
	}
	return doc, nil
}
