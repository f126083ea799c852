package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// outboxPurpose is what credentials sealed for the outbox are bound to
// (with the compose ID and the user ID).
const outboxPurpose = "outbox"

// enqueueSend builds the message into the attachment store and puts it in
// the outbox, due after the undo delay or at sendAt. The caller holds the
// compose in the sending state. An outgoing message of this compose that
// failed for good, or was cancelled, makes way for the new one.
func (a *App) enqueueSend(ctx context.Context, sess *session.Session, user store.User, c store.Compose, plan sendPlan, sendAt time.Time) (store.OutboxMessage, error) {
	previous, err := a.DB.OutboxByCompose(ctx, c.ID, user.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return store.OutboxMessage{}, storeError(err)
	case previous.State == store.OutboxFailed:
		if err := a.DB.DeleteOutbox(ctx, previous.ID); err != nil {
			return store.OutboxMessage{}, storeError(err)
		}
	case previous.State != store.OutboxCancelled:
		// Sent or on its way: this compose is not the user's to send again.
		return previous, nil
	}
	creds, err := a.outboxCredentials(sess, user, c.ID)
	if err != nil {
		return store.OutboxMessage{}, err
	}
	key := fmt.Sprintf("outbox/%d/%s", user.ID, store.NewID())
	built, err := a.buildIntoStore(ctx, key, plan.message)
	if err != nil {
		return store.OutboxMessage{}, err
	}
	due := time.Now().Add(plan.delay)
	if !sendAt.IsZero() {
		due = sendAt
	}
	msg, created, err := a.DB.EnqueueOutbox(ctx, store.OutboxMessage{
		UserID: user.ID, ComposeID: c.ID, StoreKey: key, EnvelopeFrom: built.From,
		Recipients: built.Recipients, SealedCredentials: creds.sealed, SMTPEndpoint: creds.smtp,
		MessageID: built.MessageID, SaveToSent: !a.SkipSentCopy, DueAt: due,
	})
	if err != nil || !created {
		a.deleteObject(ctx, key)
		if err != nil {
			return store.OutboxMessage{}, storeError(err)
		}
		return msg, nil
	}
	if previous.StoreKey != "" && previous.StoreKey != key {
		a.deleteObject(ctx, previous.StoreKey)
	}
	return msg, nil
}

// buildIntoStore writes the message once, streaming, into the attachment
// store under key (buildToStore: the builder writes into a pipe that Put
// reads, so the message is never whole in memory). A refused field is
// CodeInvalid and leaves nothing stored.
func (a *App) buildIntoStore(ctx context.Context, key string, m mime.Outgoing) (mime.Built, error) {
	var built mime.Built
	_, err := a.buildToStore(ctx, key, func(w io.Writer) error {
		var err error
		built, err = mime.Build(w, m)
		return err
	})
	if err != nil {
		if bad := buildError(err); AsError(bad) != nil {
			return mime.Built{}, bad
		}
		return mime.Built{}, &Error{Code: CodeUnavailable, Title: "Message not sent",
			Message: "The message could not be stored for sending. Please try again in a minute.", Err: err}
	}
	return built, nil
}

// sealedLogin is what an outgoing message carries of the user's login,
// sealed: enough for any instance to submit it and file it in Sent.
type sealedLogin struct {
	sealed []byte
	smtp   string // the session's SMTP server, as a URL
}

// outboxCredentials seals the session's login for the message of compose
// composeID, with the servers it was routed to.
func (a *App) outboxCredentials(sess *session.Session, user store.User, composeID string) (sealedLogin, error) {
	password, err := a.Sessions.Password(sess)
	if err != nil {
		return sealedLogin{}, signedOut("Your session can no longer be used. Please sign in again.", err)
	}
	imapEndpoint, err := a.sessionIMAP(sess)
	if err != nil {
		return sealedLogin{}, mailError(err)
	}
	smtp := sess.SMTP
	if smtp == "" {
		route, err := a.routeLogin(sess.User)
		if err != nil {
			return sealedLogin{}, mailError(err)
		}
		ep := route.SMTP
		if ep.Host == "" {
			ep = a.SMTP
		}
		if ep.Host != "" {
			smtp = ep.String()
		}
	}
	if smtp == "" {
		return sealedLogin{}, &Error{Code: CodeUnavailable, Title: "Sending is not set up",
			Message: "No mail server for sending is configured. Please tell your administrator.",
			Err:     errors.New("app: no SMTP server for " + sess.User)}
	}
	plain := outboxLogin{Login: sess.User, Password: password, IMAP: imapEndpoint.String()}.encode()
	sealed := a.Sessions.SealCredential(outboxPurpose, composeID, strconv.FormatInt(user.ID, 10), plain)
	return sealedLogin{sealed: sealed, smtp: smtp}, nil
}
