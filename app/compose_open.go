package app

import (
	"context"
	"time"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// ComposePage is what the compose page shows: the compose as saved, the
// identities to choose from, its attachments and how much more may be
// attached.
type ComposePage struct {
	Compose    store.Compose
	Identities []store.Identity
	Uploads    []Upload
	// UploadLimit is the most all attachments may weigh; Remaining what is
	// left of it.
	UploadLimit int64
	Remaining   int64
}

// OpenCompose reads the user's compose for its page. A compose that was
// sent or discarded, or is another user's, is Not found; one being sent
// is a Conflict (the send page says where it is).
func (a *App) OpenCompose(ctx context.Context, sess *session.Session, id string) (ComposePage, error) {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return ComposePage{}, err
	}
	c, err := a.loadCompose(ctx, owner, id)
	if err != nil {
		return ComposePage{}, err
	}
	if c.State == store.ComposeSent {
		return ComposePage{}, composeNotFound(nil)
	}
	uploads, err := a.DB.UploadsByCompose(ctx, id, owner.user.ID)
	if err != nil {
		return ComposePage{}, storeError(err)
	}
	page := ComposePage{Compose: c, Identities: owner.identities, UploadLimit: a.UploadLimit(ctx, sess)}
	page.Remaining = page.UploadLimit
	for _, u := range uploads {
		page.Uploads = append(page.Uploads, uploadView(u))
		page.Remaining -= u.Size
	}
	page.Remaining = max(page.Remaining, 0)
	if page.Compose.IdentityID == 0 || owner.identity(page.Compose.IdentityID).ID != page.Compose.IdentityID {
		page.Compose.IdentityID = owner.identity(0).ID
	}
	return page, nil
}

// SavedAt is the time of a save as the page shows it.
func SavedAt(t time.Time) string { return t.Format("15:04") }
