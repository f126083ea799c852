package app

import (
	"context"
	"errors"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// RenameFolderInput renames a folder and moves it under another parent in
// one go: Folder is its full name, Name its new last element, Parent the
// full name of the new parent ("" for the top level).
type RenameFolderInput struct {
	Folder string
	Parent string
	Name   string
}

// What a rename did.
const (
	FolderRenamed   = "renamed"
	FolderMoved     = "moved"
	FolderUnchanged = "unchanged"
)

// RenameFolder renames or moves a folder; folders inside it move along.
// It returns FolderRenamed, FolderMoved or FolderUnchanged. The Inbox is
// never renamed.
func (a *App) RenameFolder(ctx context.Context, sess *session.Session, in RenameFolderInput) (string, error) {
	var done string
	err := a.withIMAP(ctx, sess, func(client *mail.Client) error {
		boxes, err := client.Mailboxes(ctx)
		if err != nil {
			return err
		}
		var from, to string
		if from, to, done, err = renameTarget(boxes, in.Folder, in.Parent, in.Name); err != nil || done == FolderUnchanged {
			return err
		}
		err = client.RenameMailbox(ctx, from, to)
		switch {
		case errors.Is(err, mail.ErrMailboxExists):
			return errFolderExists()
		case errors.Is(err, mail.ErrBadMailboxName):
			return folderNameRefused("The mail server does not accept that folder name. Choose another.")
		}
		return err
	})
	return done, err
}

// renameTarget checks a rename and returns the old and new full names and
// what it is.
func renameTarget(boxes []mail.Mailbox, folder, parent, leaf string) (from, to, done string, err error) {
	delim := FolderDelimiter(boxes)
	b, ok := FindFolder(boxes, folder)
	switch {
	case !ok:
		return "", "", "", errNoSuchFolder()
	case b.Name == "INBOX":
		return "", "", "", Invalid("Inbox cannot be renamed", "The Inbox cannot be renamed or moved: new mail arrives there.")
	}
	if leaf, err = checkFolderLeaf(leaf, delim); err != nil {
		return "", "", "", err
	}
	if parent != "" {
		p, ok := FindFolder(boxes, parent)
		if !ok {
			return "", "", "", errNoSuchParent()
		}
		parent = p.Name
		if parent == b.Name || IsUnder(parent, b.Name, delim) {
			return "", "", "", Invalid("Folder not moved", "A folder cannot be moved into itself or into a folder inside it.")
		}
	}
	to = joinFolder(parent, leaf, delim)
	if to == b.Name {
		return b.Name, to, FolderUnchanged, nil
	}
	if err := folderExists(boxes, to); err != nil {
		return "", "", "", err
	}
	done = FolderRenamed
	if oldParent, _ := SplitFolder(b.Name, delim); oldParent != parent {
		done = FolderMoved
	}
	return b.Name, to, done, nil
}
