package app

import (
	"context"
	"errors"
	"time"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/submit"
	"github.com/webmail/webmail/store"
)

// Retries after a temporary failure: 30 s, doubling up to 15 min, until
// the server takes the message or refuses it for good, or it has waited
// outboxMaxAge, as an MTA gives up on a message after some days.
const (
	defaultOutboxFirstRetry = 30 * time.Second
	outboxMaxRetry          = 15 * time.Minute
	outboxMaxAge            = 5 * 24 * time.Hour
)

// retryDelay is the wait after the attempts-th try failed, from first.
func retryDelay(first time.Duration, attempts int) time.Duration {
	d := first
	for i := 1; i < attempts && d < outboxMaxRetry; i++ {
		d *= 2
	}
	return min(d, outboxMaxRetry)
}

// deliver sends one message this instance holds the lease of, and records
// the outcome: sent (then the work after sending, followUp), queued again
// after a temporary failure, or failed for good (refuse).
//
// Crash safety. The message is "sending" while its lease holder submits
// it. If that instance dies, the lease runs out and the next claimer gets
// it with Attempts above 1; before submitting again it searches the
// user's Sent folder for the Message-ID (UID SEARCH HEADER), and a copy
// there (filed by a server that keeps sent mail itself, or by our
// follow-up) means the server took it: marked sent, not sent again. What
// remains is the few milliseconds between the server's 250 and our
// MarkOutboxSent, with Sent copies made by us (they are appended after
// that update): a crash exactly there sends the message twice, with the
// same Message-ID, which clients show once.
func (a *App) deliver(ctx context.Context, m store.OutboxMessage) {
	stop := a.keepLease(ctx, m.ID)
	login, err := a.openOutboxLogin(m)
	if err != nil {
		stop()
		a.refuseOutgoing(ctx, m, login, i18n.Mark("The message could not be sent: the sign-in it was sent with can no longer be used. Please send it again."), err)
		return
	}
	if m.Attempts > 1 && a.alreadyInSent(ctx, m, login) {
		stop()
		a.markSent(ctx, m, login, true)
		return
	}
	err = a.submitMessage(ctx, m, login)
	stop()
	if err == nil {
		a.markSent(ctx, m, login, false)
		return
	}
	var subErr *submit.Error
	switch {
	case errors.As(err, &subErr) && !subErr.Temporary():
		a.refuseOutgoing(ctx, m, login, subErr.UserMessage(), err)
	case errors.Is(err, errBadSMTPEndpoint):
		a.refuseOutgoing(ctx, m, login, i18n.Mark("The message could not be sent: the server for sending is not configured correctly. Please tell your administrator."), err)
	case errors.Is(err, attachments.ErrNotFound):
		a.refuseOutgoing(ctx, m, login, i18n.Mark("The message could not be sent: its stored copy is gone. Please write it again."), err)
	case time.Since(m.DueAt) > outboxMaxAge:
		// Counted from when the message was due, not queued: a message
		// sent later is tried for as long as one sent now.
		a.refuseOutgoing(ctx, m, login, "The mail server could not take the message for 5 days. "+safeAnswer(subErr), err)
	default:
		a.retryLater(ctx, m, safeAnswer(subErr), err)
	}
}

// safeAnswer is what a submission failure may show the user.
func safeAnswer(e *submit.Error) string {
	if e == nil {
		return i18n.Mark("The message could not be sent yet.")
	}
	return e.UserMessage()
}

// errBadSMTPEndpoint is a message whose SMTP server URL does not parse.
var errBadSMTPEndpoint = errors.New("app: the outgoing message's SMTP server URL is invalid")

// submitMessage streams the stored message to the user's SMTP server.
func (a *App) submitMessage(ctx context.Context, m store.OutboxMessage, login outboxLogin) error {
	ep, err := mail.ParseSMTPURL(m.SMTPEndpoint)
	if err != nil {
		return errBadSMTPEndpoint
	}
	raw, info, err := a.Attachments.Get(ctx, m.StoreKey)
	if err != nil {
		return err
	}
	defer raw.Close()
	env := submit.Envelope{From: m.EnvelopeFrom, To: m.Recipients, Size: info.Size}
	receipt, err := submit.Submit(ctx, ep, login.Login, login.Password, env, raw, a.SubmitOptions)
	if err != nil {
		return err
	}
	a.Logger.InfoContext(ctx, "outbox: message sent", "outbox", m.ID, "server", receipt.ServerText)
	return nil
}

// alreadyInSent reports whether a copy of m is in the user's Sent folder:
// an earlier try got through. An IMAP failure answers no (and is logged):
// the message is then submitted again, as without the check.
func (a *App) alreadyInSent(ctx context.Context, m store.OutboxMessage, login outboxLogin) bool {
	var found bool
	err := a.withOutboxIMAP(ctx, login, func(c *mail.Client) error {
		sent, err := c.SentMailbox(ctx)
		if err != nil {
			return err
		}
		found, err = c.HasMessageID(ctx, sent, m.MessageID)
		return err
	})
	if err != nil {
		a.Logger.WarnContext(ctx, "outbox: cannot look for an earlier copy in Sent", "outbox", m.ID, "err", err)
		return false
	}
	if found {
		a.Logger.InfoContext(ctx, "outbox: an earlier try got through (copy in Sent); not sending again", "outbox", m.ID)
	}
	return found
}

// retryLater queues the message again after a temporary failure.
func (a *App) retryLater(ctx context.Context, m store.OutboxMessage, answer string, cause error) {
	next := time.Now().Add(retryDelay(a.OutboxFirstRetry, m.Attempts))
	if ctx.Err() != nil {
		// Cut short by this instance stopping: another one takes it now.
		next = time.Now()
	}
	a.Logger.InfoContext(ctx, "outbox: temporary failure; trying again later", "outbox", m.ID,
		"attempts", m.Attempts, "next", next, "err", cause)
	sctx, cancel := storeCtx(ctx)
	defer cancel()
	if err := a.DB.MarkOutboxRetry(sctx, m.ID, a.leaseOwner(), next, answer); err != nil {
		a.Logger.WarnContext(ctx, "outbox: queueing a message again failed; its lease runs out instead", "outbox", m.ID, "err", err)
	}
}

// markSent records the server's acceptance, then does the work after
// sending.
func (a *App) markSent(ctx context.Context, m store.OutboxMessage, login outboxLogin, inSent bool) {
	sctx, cancel := storeCtx(ctx)
	defer cancel()
	if err := a.DB.MarkOutboxSent(sctx, m.ID, a.leaseOwner(), time.Now()); err != nil {
		// The lease ran out while sending and another instance took
		// the message over: it will find the copy in Sent, or send it.
		a.Logger.WarnContext(ctx, "outbox: recording a sent message failed", "outbox", m.ID, "err", err)
		return
	}
	a.followUp(ctx, m, login, inSent)
}

// storeCtx is ctx for recording an outcome: it survives the worker being
// told to stop (the outcome happened and must be written), for a while.
func storeCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}
