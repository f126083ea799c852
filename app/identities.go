package app

import (
	"context"
	"errors"
	"strings"

	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// IdentityInput is an identity as the settings form posts it; ID 0 adds
// a new one.
type IdentityInput struct {
	ID            int64
	Email         string
	Name          string
	ReplyTo       string
	Bcc           string
	SignatureText string
	SignatureHTML string
}

// Identities lists the user's identities, the login address first.
func (a *App) Identities(ctx context.Context, sess *session.Session) ([]store.Identity, error) {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return nil, err
	}
	return owner.identities, nil
}

// SaveIdentity adds or changes an identity. The login address's own
// identity keeps its address (the server accepts mail from it for
// sure); every address is checked as a recipient would be.
func (a *App) SaveIdentity(ctx context.Context, sess *session.Session, in IdentityInput) error {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return err
	}
	ident := store.Identity{
		UserID: owner.user.ID, Email: strings.TrimSpace(in.Email), Name: oneLine(in.Name),
		ReplyTo: oneLine(in.ReplyTo), Bcc: oneLine(in.Bcc),
		SignatureText: strings.TrimRight(in.SignatureText, " \t\r\n"),
	}
	if strings.TrimSpace(in.SignatureHTML) != "" {
		ident.SignatureHTML = cleanComposeHTML(in.SignatureHTML, "", nil)
	}
	if in.ID != 0 {
		current := owner.identity(in.ID)
		if current.ID != in.ID {
			return identityNotFound(nil)
		}
		ident.ID, ident.Position = current.ID, current.Position
		if isLoginIdentity(owner, current) {
			ident.Email = current.Email
		}
	}
	if err := checkIdentity(ident); err != nil {
		return err
	}
	if ident.ID == 0 {
		_, err = a.DB.CreateIdentity(ctx, ident)
	} else {
		err = a.DB.UpdateIdentity(ctx, ident)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return identityNotFound(err)
	case errors.Is(err, store.ErrInvalidIdentity):
		return Invalid("Identity not saved", "A field of this identity is too long.")
	case err != nil:
		return storeError(err)
	}
	return nil
}

// DeleteIdentity deletes an identity other than the login address's.
func (a *App) DeleteIdentity(ctx context.Context, sess *session.Session, id int64) error {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return err
	}
	current := owner.identity(id)
	if current.ID != id {
		return identityNotFound(nil)
	}
	if isLoginIdentity(owner, current) {
		return Invalid("Identity kept", "The identity of your login address cannot be deleted.")
	}
	if err := a.DB.DeleteIdentity(ctx, id, owner.user.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return identityNotFound(err)
		}
		return storeError(err)
	}
	return nil
}

// isLoginIdentity reports whether ident is the login address's identity:
// the first one, with the login address.
func isLoginIdentity(owner composeOwner, ident store.Identity) bool {
	return len(owner.identities) > 0 && owner.identities[0].ID == ident.ID
}

// checkIdentity refuses addresses that could not be sent with.
func checkIdentity(ident store.Identity) error {
	from, err := mime.ParseRecipients("From", ident.Email)
	if err != nil || len(from) != 1 {
		return Invalid("Identity not saved", "Enter one email address, like name@example.org.")
	}
	for field, value := range map[string]string{"Reply-To": ident.ReplyTo, "Bcc": ident.Bcc} {
		if _, err := mime.ParseRecipients(field, value); err != nil {
			if refusal := builderRefusal("Identity not saved", err); refusal != nil {
				return refusal
			}
			return Invalid("Identity not saved", "An address is not valid.")
		}
	}
	return nil
}

func identityNotFound(err error) *Error {
	return &Error{Code: CodeNotFound, Title: "Identity not found",
		Message: "This identity no longer exists.", Err: err}
}
