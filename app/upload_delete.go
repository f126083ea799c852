package app

import (
	"context"
	"errors"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// DeleteUpload removes one attachment from a compose: the row, then the
// stored bytes, then the Drafts copy is replaced. Only the owner's
// upload of that very compose can be removed; anything else is Not
// found.
func (a *App) DeleteUpload(ctx context.Context, sess *session.Session, composeID, uploadID string) error {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return err
	}
	c, err := a.loadCompose(ctx, owner, composeID)
	if err != nil {
		return err
	}
	if c.State != store.ComposeOpen {
		return composeNotOpen()
	}
	u, err := a.DB.Upload(ctx, uploadID, owner.user.ID)
	if err == nil && u.ComposeID != c.ID {
		err = store.ErrNotFound
	}
	if err == nil {
		_, err = a.DB.DeleteUpload(ctx, uploadID, owner.user.ID)
	}
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Code: CodeNotFound, Title: "Attachment not found",
			Message: "This attachment is no longer part of the message.", Err: err}
	}
	if err != nil {
		return storeError(err)
	}
	a.deleteObject(ctx, u.StoreKey)
	a.replaceDraftLogged(ctx, sess, owner, c.ID)
	return nil
}
