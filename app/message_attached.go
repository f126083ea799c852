package app

import (
	"context"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// ShowAttachedInput asks for the page of a message attached to a message
// in a mailbox (a forwarded message, a bounce's original).
type ShowAttachedInput struct {
	Mailbox string
	UID     uint32
	// Part is the attached message's part path (see MaxPartDepth).
	Part []string
	// ShowImages is the user asking to see remote content this time.
	ShowImages bool
}

// AttachedPage is what the page of an attached message shows. It has no
// actions: the message is not in any mailbox.
type AttachedPage struct {
	Message MessageDisplay
	// Folders is the user's folder list, for the folder tree.
	Folders []mail.Mailbox
}

// ShowAttachedMessage reads a message attached to another for its page.
// The outer message is read through the cache like a mailbox message, so
// opening several attached messages (or their bodies) fetches it once.
func (a *App) ShowAttachedMessage(ctx context.Context, sess *session.Session, in ShowAttachedInput) (AttachedPage, error) {
	prefs := a.readerPrefs(ctx, sess)
	var (
		page   AttachedPage
		parsed *parsedMessage
		key    cacheKey
	)
	err := a.withIMAP(ctx, sess, func(client *mail.Client) error {
		var err error
		if parsed, key, err = a.readMessage(ctx, client, sess, messageRef{mailbox: in.Mailbox, uid: in.UID, part: in.Part}); err != nil {
			return err
		}
		page.Folders, err = a.sidebarFolders(ctx, sess, client)
		return err
	})
	if err != nil {
		return AttachedPage{}, err
	}
	page.Message = a.display(ctx, displayInput{parsed: parsed, key: key, depth: len(in.Part),
		showImages: in.ShowImages, userID: prefs.userID, timeZone: prefs.timeZone, monospace: prefs.monospace})
	return page, nil
}
