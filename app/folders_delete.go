package app

import (
	"context"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// DeleteFolderInput deletes a folder (its full name); without Confirmed
// it only says what would go.
type DeleteFolderInput struct {
	Folder    string
	Confirmed bool
}

// FolderDeletion is what deleting a folder takes along: the folder, the
// folders inside it and all their messages.
type FolderDeletion struct {
	Deleted    bool           // done (the input was confirmed)
	Folder     mail.Mailbox   // the folder, as listed before
	Subfolders []string       // full names of the folders inside it
	Messages   uint32         // messages in the folder and its subfolders
	Folders    []mail.Mailbox // every folder, as listed before
}

// DeleteFolder deletes a folder with its subfolders and their messages,
// or, unconfirmed, says what that would delete. The Inbox is never
// deleted.
func (a *App) DeleteFolder(ctx context.Context, sess *session.Session, in DeleteFolderInput) (FolderDeletion, error) {
	var out FolderDeletion
	err := a.withIMAP(ctx, sess, func(client *mail.Client) error {
		boxes, err := client.Mailboxes(ctx)
		if err != nil {
			return err
		}
		target, ok := FindFolder(boxes, in.Folder)
		switch {
		case !ok:
			return errNoSuchFolder()
		case target.Name == "INBOX":
			return Invalid("Inbox cannot be deleted", "The Inbox cannot be deleted: new mail arrives there.")
		case in.Confirmed:
			out.Deleted = true
			return client.DeleteMailbox(ctx, target.Name)
		}
		out = FolderDeletion{Folder: target, Messages: target.Messages, Folders: boxes}
		delim := FolderDelimiter(boxes)
		for _, b := range boxes {
			if IsUnder(b.Name, target.Name, delim) {
				out.Subfolders = append(out.Subfolders, b.Name)
				out.Messages += b.Messages
			}
		}
		return nil
	})
	return out, err
}
