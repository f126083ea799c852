package app

import (
	"context"
	"errors"
	"strings"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// composeOwner is the signed-in user with their identities, which every
// compose use case needs: the identity select, the From address, and the
// addresses reply-all leaves out.
type composeOwner struct {
	user       store.User
	identities []store.Identity // by position; the login address first
}

// ownerOf reads the session's user and identities, giving the user the
// login address as an identity on first use.
func (a *App) ownerOf(ctx context.Context, sess *session.Session) (composeOwner, error) {
	user, err := a.userForSession(ctx, sess)
	if err != nil {
		return composeOwner{}, storeError(err)
	}
	ids, err := a.DB.EnsureDefaultIdentity(ctx, user)
	if err != nil {
		return composeOwner{}, storeError(err)
	}
	return composeOwner{user: user, identities: ids}, nil
}

// identity is the owner's identity id, or the first one when id is 0 or
// not theirs (deleted since the compose chose it).
func (o composeOwner) identity(id int64) store.Identity {
	for _, ident := range o.identities {
		if ident.ID == id {
			return ident
		}
	}
	if len(o.identities) == 0 {
		return store.Identity{UserID: o.user.ID, Email: o.user.Email}
	}
	return o.identities[0]
}

// isOwnAddress reports whether email is one of the user's addresses: the
// login or any identity.
func (o composeOwner) isOwnAddress(email string) bool {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return false
	}
	if strings.EqualFold(email, o.user.Email) {
		return true
	}
	for _, ident := range o.identities {
		if strings.EqualFold(email, strings.TrimSpace(ident.Email)) {
			return true
		}
	}
	return false
}

// loadCompose reads the owner's compose; another user's is Not found.
func (a *App) loadCompose(ctx context.Context, owner composeOwner, id string) (store.Compose, error) {
	c, err := a.DB.Compose(ctx, id, owner.user.ID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Compose{}, composeNotFound(err)
	}
	if err != nil {
		return store.Compose{}, storeError(err)
	}
	return c, nil
}

// composeNotFound is the *Error for a compose that is not the user's, was
// sent or was discarded.
// composeNotOpen is the *Error for a change to a compose that is being
// sent or was sent.
func composeNotOpen() *Error {
	return &Error{Code: CodeConflict, Title: "Already sent",
		Message: "This message is being sent or was sent, so it can no longer be changed."}
}

func composeNotFound(err error) *Error {
	return &Error{Code: CodeNotFound, Title: "Message not found",
		Message: "This message is no longer being written: it was sent or discarded.", Err: err}
}

// createCompose stores a new compose for the owner.
func (a *App) createCompose(ctx context.Context, owner composeOwner, c store.Compose) (store.Compose, error) {
	c.UserID = owner.user.ID
	if c.IdentityID == 0 {
		c.IdentityID = owner.identity(0).ID
	}
	created, err := a.DB.CreateCompose(ctx, c)
	if errors.Is(err, store.ErrInvalidCompose) {
		return store.Compose{}, Invalid("Message too long", "A field of this message is too long to be saved.")
	}
	if err != nil {
		return store.Compose{}, storeError(err)
	}
	return created, nil
}
