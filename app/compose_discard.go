package app

import (
	"context"
	"errors"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// DiscardCompose deletes a compose the user gives up: its row, its
// uploads and their stored bytes, and its copy in the Drafts folder. A
// compose being sent cannot be discarded (undo the send first).
func (a *App) DiscardCompose(ctx context.Context, sess *session.Session, id string) error {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return err
	}
	c, err := a.loadCompose(ctx, owner, id)
	if err != nil {
		return err
	}
	if c.State == store.ComposeSending {
		return &Error{Code: CodeConflict, Title: "Being sent",
			Message: "This message is being sent. Undo the send first if you want to discard it."}
	}
	return a.discard(ctx, sess, owner, c)
}

// discardLogged discards a compose that a failed use case had created,
// logging a failure: the cleanup job removes what is left.
func (a *App) discardLogged(ctx context.Context, sess *session.Session, owner composeOwner, id string) {
	c, err := a.DB.Compose(ctx, id, owner.user.ID)
	if err == nil {
		err = a.discard(ctx, sess, owner, c)
	}
	if err != nil {
		a.Logger.WarnContext(ctx, "discarding a compose failed", "compose", id, "err", err)
	}
}

// discard deletes c's uploads (row, then bytes), its Drafts copy and the
// row itself. The row goes last, so a failure half-way leaves a compose
// the user or the cleanup job can discard again.
func (a *App) discard(ctx context.Context, sess *session.Session, owner composeOwner, c store.Compose) error {
	uploads, err := a.DB.UploadsByCompose(ctx, c.ID, owner.user.ID)
	if err != nil {
		return storeError(err)
	}
	for _, u := range uploads {
		if _, err := a.DB.DeleteUpload(ctx, u.ID, owner.user.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return storeError(err)
		}
		a.deleteObject(ctx, u.StoreKey)
	}
	if c.DraftMailbox != "" && c.DraftUID != 0 {
		err := a.withIMAP(ctx, sess, func(client *mail.Client) error {
			return client.Expunge(ctx, c.DraftMailbox, c.DraftUID)
		})
		if err != nil && AsError(err) != nil && AsError(err).Code == CodeSignedOut {
			return err
		}
		if err != nil {
			a.Logger.WarnContext(ctx, "deleting the Drafts copy of a discarded compose failed", "compose", c.ID, "err", err)
		}
	}
	if err := a.DB.DeleteCompose(ctx, c.ID, owner.user.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return storeError(err)
	}
	return nil
}
