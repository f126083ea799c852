package app

import (
	"context"
	"errors"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// draftCopyEvery is how often an autosave also replaces the Drafts copy;
// explicit saves, leaving the page and attachment changes always do.
const draftCopyEvery = 30 * time.Second

// draftCopies remembers when this instance last copied each compose to
// Drafts, to space out autosave copies. Per instance on purpose: a
// browser whose saves alternate between instances at worst copies more
// often, and nothing is shared that could go stale.
type draftCopies struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// due reports whether compose id may be copied now, and if so records it.
func (d *draftCopies) due(id string, force bool, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !force && now.Sub(d.last[id]) < draftCopyEvery {
		return false
	}
	if len(d.last) > 10000 {
		for k, t := range d.last {
			if now.Sub(t) > draftCopyEvery {
				delete(d.last, k)
			}
		}
	}
	d.last[id] = now
	return true
}

// replaceDraftLogged replaces the Drafts copy and logs a failure: the
// compose is safe in SQL, and the next save tries again.
func (a *App) replaceDraftLogged(ctx context.Context, sess *session.Session, owner composeOwner, id string) bool {
	if err := a.replaceDraft(ctx, sess, owner, id); err != nil {
		a.Logger.WarnContext(ctx, "saving the Drafts copy failed", "compose", id, "err", err)
		return false
	}
	return true
}

// replaceDraft saves the compose's current state as a new message in the
// Drafts folder and then deletes the copy it replaces. The new copy is
// appended first, so a failure never loses the draft; SetComposeDraft
// hands each of two saves at once a different previous copy, so none is
// left behind or deleted twice.
func (a *App) replaceDraft(ctx context.Context, sess *session.Session, owner composeOwner, id string) error {
	c, err := a.DB.Compose(ctx, id, owner.user.ID)
	if err != nil {
		return err
	}
	uploads, err := a.DB.UploadsByCompose(ctx, id, owner.user.ID)
	if err != nil {
		return err
	}
	out, err := a.composeMessage(ctx, owner, c, uploads, true)
	if err != nil {
		return err // addresses still being typed: the next save copies
	}
	// The message is written twice: once to learn its size (APPEND
	// needs it up front), once into the APPEND itself. Attachments are
	// read from the store both times and never held; the Message-ID and
	// Date are fixed first, and every other varying part (MIME
	// boundaries) has a fixed length, so both writings are the same size.
	out.Date = time.Now()
	out.MessageID = "draft." + c.ID + "." + strconv.FormatInt(c.Revision, 10) + "@webmail.invalid"
	build := func(w io.Writer) error {
		_, err := mime.BuildDraft(w, out)
		return err
	}
	var size countingWriter
	if err := build(&size); err != nil {
		return err
	}
	return a.withIMAP(ctx, sess, func(client *mail.Client) error {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(build(pw)) }()
		defer pr.Close()
		return a.appendDraft(ctx, client, c, size.n, pr)
	})
}

// countingWriter counts what is written to it and keeps none of it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// appendDraft appends the new copy and deletes the one it replaces.
func (a *App) appendDraft(ctx context.Context, client *mail.Client, c store.Compose, size int64, body io.Reader) error {
	mailbox, err := client.DraftsMailbox(ctx)
	if err != nil {
		return err
	}
	appended, err := client.Append(ctx, mailbox, []string{mail.FlagDraft, mail.FlagSeen}, time.Time{}, size, body)
	if err != nil {
		return err
	}
	prevMailbox, prevUID, err := a.DB.SetComposeDraft(ctx, c.ID, c.UserID, mailbox, appended.UID)
	if err != nil {
		return err
	}
	if prevMailbox == "" || prevUID == 0 || (prevMailbox == mailbox && prevUID == appended.UID) {
		return nil
	}
	if err := client.Expunge(ctx, prevMailbox, prevUID); err != nil && !errors.Is(err, mail.ErrNotFound) {
		a.Logger.WarnContext(ctx, "deleting the previous Drafts copy failed", "compose", c.ID, "uid", prevUID, "err", err)
	}
	return nil
}
