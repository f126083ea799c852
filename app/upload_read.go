package app

import (
	"context"
	"errors"
	"io"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// UploadContent is an upload's bytes for its owner's browser.
type UploadContent struct {
	Filename string
	// ContentType is the type the browser may render: a raster image
	// type from an allow-list, else application/octet-stream.
	ContentType string
	// Inline says the browser may show it (an allowed image); otherwise
	// it is offered as a download.
	Inline bool
	Size   int64
	Body   io.ReadCloser
}

// inlineImageTypes are the only types an upload is served as: raster
// images the browser shows without running anything (no SVG, no HTML).
var inlineImageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// ReadUpload opens an upload of the user's compose for the browser. Only
// the owner reads it, and only through the compose it belongs to.
func (a *App) ReadUpload(ctx context.Context, sess *session.Session, composeID, uploadID string) (UploadContent, error) {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return UploadContent{}, err
	}
	u, err := a.DB.Upload(ctx, uploadID, owner.user.ID)
	if err == nil && u.ComposeID != composeID {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		return UploadContent{}, &Error{Code: CodeNotFound, Title: "Attachment not found",
			Message: "This attachment is no longer part of the message.", Err: err}
	}
	if err != nil {
		return UploadContent{}, storeError(err)
	}
	body, info, err := a.Attachments.Get(ctx, u.StoreKey)
	if err != nil {
		return UploadContent{}, &Error{Code: CodeUnavailable, Title: "Attachment unavailable",
			Message: "This attachment cannot be read right now. Please try again.", Err: err}
	}
	out := UploadContent{Filename: u.Filename, ContentType: "application/octet-stream", Size: info.Size, Body: body}
	if inlineImageTypes[u.ContentType] {
		out.ContentType, out.Inline = u.ContentType, true
	}
	return out, nil
}
