package app

import (
	"context"
	"errors"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// CreateFolderInput is a new folder as typed: Name is one level, Parent
// the full name of the folder to create it in ("" for the top level).
type CreateFolderInput struct {
	Parent string
	Name   string
}

// CreateFolder creates and subscribes a folder, so every mail program
// shows it. A name that is taken or not possible is refused (see
// IsFolderRefusal).
func (a *App) CreateFolder(ctx context.Context, sess *session.Session, in CreateFolderInput) error {
	return a.withIMAP(ctx, sess, func(client *mail.Client) error {
		boxes, err := client.Mailboxes(ctx)
		if err != nil {
			return err
		}
		name, err := newFolderName(boxes, in.Parent, in.Name)
		if err != nil {
			return err
		}
		return createMailbox(ctx, client, name)
	})
}

// newFolderName checks a new folder's parent and name and returns its full
// name.
func newFolderName(boxes []mail.Mailbox, parent, leaf string) (string, error) {
	delim := FolderDelimiter(boxes)
	leaf, err := checkFolderLeaf(leaf, delim)
	if err != nil {
		return "", err
	}
	if parent != "" {
		p, ok := FindFolder(boxes, parent)
		if !ok {
			return "", errNoSuchParent()
		}
		parent = p.Name
	}
	name := joinFolder(parent, leaf, delim)
	return name, folderExists(boxes, name)
}

// createMailbox creates and subscribes name; a name the server says exists
// (a folder another program just made, a case clash) is a refusal.
func createMailbox(ctx context.Context, client *mail.Client, name string) error {
	err := client.CreateMailbox(ctx, name)
	switch {
	case errors.Is(err, mail.ErrMailboxExists):
		return errFolderExists()
	case errors.Is(err, mail.ErrBadMailboxName):
		return folderNameRefused("The mail server does not accept that folder name. Choose another.")
	case err != nil:
		return err
	}
	// Not subscribing only hides the folder in some programs: not worth
	// failing a created folder for.
	_ = client.SetSubscribed(ctx, name, true)
	return nil
}
