package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"

	wmime "github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// UploadInput is one file sent to a compose: its name and type as the
// browser gave them and its bytes, read once, as they arrive.
type UploadInput struct {
	ComposeID   string
	Filename    string
	ContentType string
	Body        io.Reader
	// Inline marks an image put into the rich-text body: it gets a
	// Content-ID, and the body refers to it.
	Inline bool
}

// Upload is an attachment of a compose, as the page lists it.
type Upload struct {
	ID          string
	Filename    string
	ContentType string
	Size        int64
	Inline      bool
}

// errUploadTooLarge is what a reader returns once more than the limit
// came through, which makes the attachment store's Put fail.
var errUploadTooLarge = errors.New("app: upload over the limit")

// AddUpload streams one file into the attachment store under
// uploads/{userID}/{uploadID} and records it for the compose. The bytes
// are never held whole in memory or written to local disk; a file that
// takes the compose's attachments over the limit (UploadLimit) is refused
// with CodeTooLarge, and what was stored of it is deleted. The Drafts
// copy is replaced afterwards.
func (a *App) AddUpload(ctx context.Context, sess *session.Session, in UploadInput) (Upload, error) {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return Upload{}, err
	}
	c, err := a.loadCompose(ctx, owner, in.ComposeID)
	if err != nil {
		return Upload{}, err
	}
	if c.State != store.ComposeOpen {
		// Refused before reading the file; CreateUpload checks again, for
		// a Send pressed while the bytes were arriving.
		return Upload{}, composeNotOpen()
	}
	remaining, err := a.remainingUpload(ctx, sess, c)
	if err != nil {
		return Upload{}, err
	}
	up, err := a.storeUpload(ctx, c, uploadFile{
		name: in.Filename, contentType: uploadType(in.ContentType), inline: in.Inline, body: in.Body,
	}, remaining)
	if err != nil {
		return Upload{}, err
	}
	a.replaceDraftLogged(ctx, sess, owner, c.ID)
	return uploadView(up), nil
}

// uploadFile is a file on its way into the attachment store.
type uploadFile struct {
	name, contentType string
	inline            bool
	body              io.Reader
}

// storeUpload puts f into the attachment store, at most limit bytes, and
// records it for compose c. The object is written first and the row
// after, so a row never points at missing bytes; a failure in between
// deletes the object.
func (a *App) storeUpload(ctx context.Context, c store.Compose, f uploadFile, limit int64) (store.Upload, error) {
	id := store.NewID()
	key := fmt.Sprintf("uploads/%d/%s", c.UserID, id)
	counter := &limitReader{r: f.body, limit: limit}
	if err := a.Attachments.Put(ctx, key, counter, -1, f.contentType); err != nil {
		a.deleteObject(ctx, key)
		if counter.over {
			return store.Upload{}, uploadTooLarge(limit)
		}
		return store.Upload{}, &Error{Code: CodeUnavailable, Title: "Upload failed",
			Message: "The file could not be stored. Please try again.", Err: err}
	}
	u := store.Upload{
		ID: id, UserID: c.UserID, ComposeID: c.ID, StoreKey: key,
		Filename: wmime.SafeFilename(f.name, ""), ContentType: f.contentType, Size: counter.n,
	}
	if f.inline {
		u.ContentID = id + "@webmail"
	}
	created, err := a.DB.CreateUpload(ctx, u)
	if err != nil {
		a.deleteObject(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return store.Upload{}, composeNotFound(err)
		}
		return store.Upload{}, storeError(err)
	}
	return created, nil
}

// deleteObject deletes a stored object; a failure is logged, and the
// cleanup job's sweep finds what is left.
func (a *App) deleteObject(ctx context.Context, key string) {
	if err := a.Attachments.Delete(context.WithoutCancel(ctx), key); err != nil {
		a.Logger.WarnContext(ctx, "deleting a stored upload failed", "key", key, "err", err)
	}
}

// uploadTooLarge is the *Error for a file over the limit.
func uploadTooLarge(limit int64) *Error {
	e := Errorf(CodeTooLarge, "File too large", "This file is too large to attach: the attachments of one message can be at most %s altogether.", FormatBytes(limit))
	e.Err = errUploadTooLarge
	return e
}

// limitReader counts what passes and fails once more than limit bytes
// came through.
type limitReader struct {
	r     io.Reader
	limit int64
	n     int64
	over  bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		l.over = true
		return n, errUploadTooLarge
	}
	return n, err
}

// uploadType is the media type to store for a browser's Content-Type:
// the type without parameters, or octet-stream when it is not one.
func uploadType(ct string) string {
	mediaType, _, err := mime.ParseMediaType(ct)
	if err != nil || strings.Count(mediaType, "/") != 1 || len(mediaType) > 100 {
		return "application/octet-stream"
	}
	return mediaType
}

func uploadView(u store.Upload) Upload {
	return Upload{ID: u.ID, Filename: u.Filename, ContentType: u.ContentType, Size: u.Size, Inline: u.ContentID != ""}
}

// FormatBytes writes a size for people in the binary units mail
// programs use: "900 bytes", "1.5 KB", "25 MB".
func FormatBytes(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<10))) + " KB"
	case n < 1<<30:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MB"
	}
	return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<30))) + " GB"
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
