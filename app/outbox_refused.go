package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/store"
)

// refuseOutgoing records that a message cannot be sent (the server refused it
// for good, or it cannot be tried any more) and tells the user twice: a
// notice on the mail pages until acknowledged (OutboxNotices), and a
// message in their INBOX quoting the server's answer with the message
// attached, which reaches them in any mail program. The compose opens
// again, so "Open it" lets the user correct it and send again.
func (a *App) refuseOutgoing(ctx context.Context, m store.OutboxMessage, login outboxLogin, answer string, cause error) {
	a.Logger.InfoContext(ctx, "outbox: message refused for good", "outbox", m.ID, "err", cause)
	sctx, cancel := storeCtx(ctx)
	defer cancel()
	if err := a.DB.MarkOutboxFailed(sctx, m.ID, a.leaseOwner(), answer); err != nil {
		a.Logger.WarnContext(ctx, "outbox: recording a refusal failed; its lease runs out instead", "outbox", m.ID, "err", err)
		return
	}
	a.notices.forget(login.Login)
	subject := ""
	if c, err := a.DB.Compose(sctx, m.ComposeID, m.UserID); err == nil {
		subject = c.Subject
	}
	if _, err := a.DB.MarkComposeState(sctx, m.ComposeID, m.UserID, store.ComposeSending, store.ComposeOpen); err != nil {
		a.Logger.WarnContext(ctx, "outbox: reopening a refused compose failed", "compose", m.ComposeID, "err", err)
	}
	if login.Login != "" {
		if err := a.appendRefusalNotice(ctx, m, login, subject, answer); err != nil {
			a.Logger.WarnContext(ctx, "outbox: the refusal message to INBOX failed (the notice on the pages remains)", "outbox", m.ID, "err", err)
		}
	}
	if err := a.DB.ForgetOutboxCredentials(sctx, m.ID); err != nil {
		a.Logger.WarnContext(ctx, "outbox: forgetting the login failed", "outbox", m.ID, "err", err)
	}
}

// appendRefusalNotice puts a message into the user's INBOX that says the
// message was not sent and why, with the message attached as
// message/rfc822. It is built into the attachment store first, since
// APPEND needs the size before the bytes.
func (a *App) appendRefusalNotice(ctx context.Context, m store.OutboxMessage, login outboxLogin, subject, answer string) error {
	domain := m.EnvelopeFrom[strings.LastIndexByte(m.EnvelopeFrom, '@')+1:]
	notice := mime.Outgoing{
		From:    mime.Address{Name: "Mail delivery", Email: "mailer-daemon@" + domain},
		To:      []mime.Address{{Email: m.EnvelopeFrom}},
		Subject: "Not sent: " + strings.Map(dropControl, subject),
		Text:    refusalText(m.Recipients, answer),
		ForwardedMessages: []mime.ForwardedMessage{{Filename: "message.eml", Open: func() (io.ReadCloser, error) {
			rc, _, err := a.Attachments.Get(ctx, m.StoreKey)
			return rc, err
		}}},
	}
	key := fmt.Sprintf("outbox/%d/%s", m.UserID, store.NewID())
	if _, err := a.buildIntoStore(ctx, key, notice); err != nil {
		return err
	}
	defer a.deleteObject(ctx, key)
	return a.withOutboxIMAP(ctx, login, func(c *mail.Client) error {
		raw, info, err := a.Attachments.Get(ctx, key)
		if err != nil {
			return err
		}
		defer raw.Close()
		_, err = c.Append(ctx, "INBOX", nil, time.Now(), info.Size, raw)
		return err
	})
}

// refusalText is the body of the refusal message.
func refusalText(recipients []string, answer string) string {
	return "Your message to " + strings.Join(recipients, ", ") + " could not be sent.\n\n" +
		"The mail server answered:\n\n    " + answer + "\n\n" +
		"The message is attached. It is back among the messages you are writing:\n" +
		"open it in the webmail to correct it and send it again.\n"
}

// dropControl removes control characters (a subject may hold a tab).
func dropControl(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return -1
	}
	return r
}
