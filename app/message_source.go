package app

import (
	"context"
	"strings"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// MaxSourceBytes bounds the raw message shown as text; the .eml download
// has all of it.
const MaxSourceBytes = 2 << 20

// MessageSource is a message's raw text, for "view source".
type MessageSource struct {
	Subject string // "" when there is none or the message is unreadable
	// Source is the raw message, at most MaxSourceBytes of it. Bytes that
	// are not UTF-8 (8-bit headers in a legacy charset, binary parts) are
	// U+FFFD: the page is for reading the structure, the download for the
	// exact bytes.
	Source    string
	Truncated bool
}

// ShowMessageSource reads a message's raw text.
func (a *App) ShowMessageSource(ctx context.Context, sess *session.Session, mailbox string, uid uint32) (MessageSource, error) {
	var parsed *parsedMessage
	err := a.withIMAP(ctx, sess, func(client *mail.Client) error {
		var err error
		parsed, _, _, err = a.readMessageFor(ctx, client, sess, messageRef{mailbox: mailbox, uid: uid}, readNeeds{whole: true})
		return err
	})
	if err != nil {
		return MessageSource{}, err
	}
	shown := parsed.raw
	out := MessageSource{Subject: parsed.msg.Subject, Truncated: len(shown) > MaxSourceBytes}
	if out.Truncated {
		shown = shown[:MaxSourceBytes]
	}
	out.Source = strings.ToValidUTF8(string(shown), "\uFFFD")
	return out, nil
}
