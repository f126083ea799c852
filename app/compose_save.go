package app

import (
	"context"
	"errors"
	"time"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// SaveComposeInput is the compose form as posted.
type SaveComposeInput struct {
	ID string
	// Revision is the revision the page was built from or last saved.
	Revision    int64
	IdentityID  int64
	To, Cc, Bcc string
	Subject     string
	BodyText    string
	// BodyHTML and HTML come from the rich-text editor; without it (no
	// JavaScript) the body is text.
	BodyHTML    string
	HTML        bool
	Priority    int // 1 high, 0 normal, 5 low
	ReadReceipt bool
	// CopyToDrafts asks for the Drafts copy now (an explicit save, leaving
	// the page). Autosaves copy at most every draftCopyEvery.
	CopyToDrafts bool
}

// SaveResult is what a save did.
type SaveResult struct {
	Revision int64
	SavedAt  time.Time
	// Overwrote is set when another window had saved this compose since
	// this one last did: the later save won, over OtherSavedAt's.
	Overwrote    bool
	OtherSavedAt time.Time
	// DraftCopied says the Drafts folder has this version.
	DraftCopied bool
}

// SaveCompose saves the form. Two windows on one compose: the later save
// wins, visibly: a save from an older revision is written anyway, over
// the other window's, and the result says so and when the other save
// was, so each window can show it. Nothing is ever lost silently, and
// the other window learns of it on its next save the same way.
func (a *App) SaveCompose(ctx context.Context, sess *session.Session, in SaveComposeInput) (SaveResult, error) {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return SaveResult{}, err
	}
	stored, err := a.loadCompose(ctx, owner, in.ID)
	if err != nil {
		return SaveResult{}, err
	}
	c, err := a.applyInput(ctx, owner, stored, in)
	if err != nil {
		return SaveResult{}, err
	}
	var result SaveResult
	if stored.Revision == in.Revision && sameContent(stored, c) && stored.State == store.ComposeOpen {
		// Nothing changed (leaving a page whose last change was saved
		// already, only to copy it to Drafts): no new revision, so a
		// reload racing this request never sees a conflict with itself.
		result.Revision, result.SavedAt = stored.Revision, stored.Updated
		if a.draftCopies.due(c.ID, in.CopyToDrafts, time.Now()) {
			result.DraftCopied = a.replaceDraftLogged(ctx, sess, owner, c.ID)
		}
		return result, nil
	}
	for attempt := 0; ; attempt++ {
		saved, err := a.DB.SaveCompose(ctx, c)
		switch {
		case err == nil:
			result.Revision, result.SavedAt = saved.Revision, saved.Updated
		case errors.Is(err, store.ErrStaleCompose) && attempt < 3:
			result.Overwrote, result.OtherSavedAt = true, saved.Updated
			c.Revision = saved.Revision
			continue
		case errors.Is(err, store.ErrComposeNotOpen):
			return SaveResult{}, &Error{Code: CodeConflict, Title: "Already sent",
				Message: "This message is being sent or was sent, so it can no longer be changed.", Err: err}
		case errors.Is(err, store.ErrNotFound):
			return SaveResult{}, composeNotFound(err)
		case errors.Is(err, store.ErrInvalidCompose):
			return SaveResult{}, Invalid("Message too long", "A field of this message is too long to be saved.")
		default:
			return SaveResult{}, storeError(err)
		}
		break
	}
	if a.draftCopies.due(c.ID, in.CopyToDrafts, time.Now()) {
		result.DraftCopied = a.replaceDraftLogged(ctx, sess, owner, c.ID)
	}
	return result, nil
}

// composeFromInput is the stored compose with the form's fields in it.
func (a *App) composeFromInput(ctx context.Context, owner composeOwner, in SaveComposeInput) (store.Compose, error) {
	c, err := a.loadCompose(ctx, owner, in.ID)
	if err != nil {
		return store.Compose{}, err
	}
	return a.applyInput(ctx, owner, c, in)
}

// sameContent reports whether two versions of a compose say the same.
func sameContent(a, b store.Compose) bool {
	return a.IdentityID == b.IdentityID && a.To == b.To && a.Cc == b.Cc && a.Bcc == b.Bcc &&
		a.Subject == b.Subject && a.BodyText == b.BodyText && a.BodyHTML == b.BodyHTML &&
		a.Format == b.Format && a.Priority == b.Priority && a.ReadReceipt == b.ReadReceipt
}

// applyInput is the stored compose c with the form's fields in it.
func (a *App) applyInput(ctx context.Context, owner composeOwner, c store.Compose, in SaveComposeInput) (store.Compose, error) {
	c.Revision = in.Revision
	c.IdentityID = owner.identity(in.IdentityID).ID
	c.To, c.Cc, c.Bcc = oneLine(in.To), oneLine(in.Cc), oneLine(in.Bcc)
	c.Subject = oneLine(in.Subject)
	c.BodyText = in.BodyText
	c.Format, c.BodyHTML = store.FormatText, ""
	if in.HTML {
		uploads, err := a.DB.UploadsByCompose(ctx, c.ID, owner.user.ID)
		if err != nil {
			return store.Compose{}, storeError(err)
		}
		c.Format, c.BodyHTML = store.FormatHTML, cleanComposeHTML(in.BodyHTML, c.ID, uploads)
	}
	switch {
	case in.Priority == 0:
		c.Priority = 0
	case in.Priority < 3:
		c.Priority = 1
	default:
		c.Priority = 5
	}
	c.ReadReceipt = in.ReadReceipt
	return c, nil
}
