package app

import (
	"context"
	"errors"
	"time"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// UndoSend cancels the user's send of the compose while it still waits
// (its undo window, or a send-later time, or a retry) and opens the
// compose again for writing. A message being sent or already sent can no
// longer be cancelled: CodeConflict, saying so.
func (a *App) UndoSend(ctx context.Context, sess *session.Session, composeID string) error {
	user, err := a.userForSession(ctx, sess)
	if err != nil {
		return storeError(err)
	}
	msg, err := a.DB.OutboxByCompose(ctx, composeID, user.ID)
	if err != nil {
		return sendComposeError(err)
	}
	return a.cancelOutgoing(ctx, user.ID, msg)
}

// CancelOutgoing cancels a waiting message from the outbox page, by its
// outbox ID, like UndoSend; it returns the compose ID, whose page the user
// goes back to.
func (a *App) CancelOutgoing(ctx context.Context, sess *session.Session, outboxID int64) (string, error) {
	user, err := a.userForSession(ctx, sess)
	if err != nil {
		return "", storeError(err)
	}
	msg, err := a.DB.OutboxByID(ctx, outboxID, user.ID)
	if err != nil {
		return "", sendComposeError(err)
	}
	return msg.ComposeID, a.cancelOutgoing(ctx, user.ID, msg)
}

// cancelOutgoing cancels msg and reopens its compose. The cancel races
// the worker's claim fairly (both are conditional updates of one row).
func (a *App) cancelOutgoing(ctx context.Context, userID int64, msg store.OutboxMessage) error {
	if msg.State == store.OutboxCancelled {
		return nil // undone already (a second click)
	}
	cancelled, err := a.DB.CancelOutbox(ctx, msg.ID, userID, time.Now())
	if err != nil {
		return sendComposeError(err)
	}
	if !cancelled {
		return &Error{Code: CodeConflict, Title: "Too late to undo",
			Message: "This message is being sent or was sent already; it can no longer be cancelled.",
			Err:     errors.New("app: outbox message no longer waiting")}
	}
	if _, err := a.DB.MarkComposeState(ctx, msg.ComposeID, userID, store.ComposeSending, store.ComposeOpen); err != nil {
		return sendComposeError(err)
	}
	a.deleteObject(ctx, msg.StoreKey)
	return nil
}
