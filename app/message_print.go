package app

import (
	"context"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/htmlsafe"
	"github.com/webmail/webmail/session"
)

// PrintInput asks for the print view of a message.
type PrintInput struct {
	Mailbox string
	UID     uint32
	// AllowRemote keeps remote images, as the message page showed them.
	AllowRemote bool
}

// PrintView is a message laid out for printing: headers and the body
// inline in one document.
type PrintView struct {
	Message MessageDisplay
	// SafeHTML is the sanitized HTML body without the message's <style>
	// blocks (they would reach our header lines in the same document);
	// "" when the message has no HTML, and Message.TextHTML is the body.
	SafeHTML string
}

// PrintMessage reads a message for its print view. The parse comes from
// the cache when the page was just shown; the body is sanitized apart
// from the page's, since it drops the style blocks.
func (a *App) PrintMessage(ctx context.Context, sess *session.Session, in PrintInput) (PrintView, error) {
	var parsed *parsedMessage
	err := a.withIMAP(ctx, sess, func(client *mail.Client) error {
		var err error
		parsed, _, err = a.readMessage(ctx, client, sess, messageRef{mailbox: in.Mailbox, uid: in.UID})
		return err
	})
	if err != nil {
		return PrintView{}, err
	}
	msg := parsed.msg
	view := PrintView{Message: MessageDisplay{
		Subject: msg.Subject, From: msg.From, To: msg.To, Cc: msg.Cc, Date: msg.Date,
		Attachments: attachmentList(msg, 0),
	}}
	view.SafeHTML, _ = sanitizeBody(parsed, htmlsafe.Options{AllowRemote: in.AllowRemote, RemoteURL: a.proxiedImageURL, DropStyleBlocks: true})
	if view.SafeHTML == "" {
		// Printed as written, quotes included: a folded quote would
		// print as its summary line.
		text := shownText(ctx, msg)
		view.Message.TextHTML = htmlsafe.LinkifyText(text)
	}
	return view, nil
}
