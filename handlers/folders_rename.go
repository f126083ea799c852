package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
)

// renameFolder handles POST /folders/rename, which renames a folder and
// moves it under another parent in one go. Fields: folder (its full name),
// name (its new last element), parent (full name of the new parent, "" for
// the top level) and csrf. Folders inside it move along.
func (s *Server) renameFolder(c echo.Context) error {
	folder := c.FormValue("folder")
	form := folderForm{edit: folder}
	done := ""
	var refused *UserError
	err := s.withIMAP(c, func(client *mail.Client) error {
		ctx := c.Request().Context()
		boxes, err := client.Mailboxes(ctx)
		if err != nil {
			return err
		}
		var from, to string
		if from, to, done, refused = renameTarget(boxes, folder, c.FormValue("parent"), c.FormValue("name")); refused != nil || done == "unchanged" {
			return nil
		}
		err = client.RenameMailbox(ctx, from, to)
		switch {
		case errors.Is(err, mail.ErrMailboxExists):
			refused, err = errFolderExists(), nil
		case errors.Is(err, mail.ErrBadMailboxName):
			refused, err = &UserError{Status: http.StatusBadRequest, Title: "Folder name not possible",
				Message: "The mail server does not accept that folder name. Choose another."}, nil
		}
		return err
	})
	if err != nil {
		return err
	}
	if refused != nil {
		return s.refuseFolder(c, refused, form)
	}
	return c.Redirect(http.StatusSeeOther, "/folders?done="+done)
}

// renameTarget checks a rename and returns the old and new full names and
// what it is ("renamed", "moved" or "unchanged").
func renameTarget(boxes []mail.Mailbox, folder, parent, leaf string) (from, to, done string, refused *UserError) {
	delim := folderDelimiter(boxes)
	b, ok := findFolder(boxes, folder)
	switch {
	case !ok:
		return "", "", "", &UserError{Status: http.StatusNotFound, Title: "No such folder",
			Message: "That folder does not exist any more."}
	case b.Name == "INBOX":
		return "", "", "", &UserError{Status: http.StatusBadRequest, Title: "Inbox cannot be renamed",
			Message: "The Inbox cannot be renamed or moved: new mail arrives there."}
	}
	leaf, refused = checkFolderLeaf(leaf, delim)
	if refused != nil {
		return "", "", "", refused
	}
	if parent != "" {
		p, ok := findFolder(boxes, parent)
		if !ok {
			return "", "", "", &UserError{Status: http.StatusBadRequest, Title: "No such folder",
				Message: "The folder you chose under “Inside” does not exist any more."}
		}
		parent = p.Name
		if parent == b.Name || isUnder(parent, b.Name, delim) {
			return "", "", "", &UserError{Status: http.StatusBadRequest, Title: "Folder not moved",
				Message: "A folder cannot be moved into itself or into a folder inside it."}
		}
	}
	to = joinFolder(parent, leaf, delim)
	if to == b.Name {
		return b.Name, to, "unchanged", nil
	}
	if refused := folderExists(boxes, to); refused != nil {
		return "", "", "", refused
	}
	oldParent, _ := splitFolder(b.Name, delim)
	done = "renamed"
	if oldParent != parent {
		done = "moved"
	}
	return b.Name, to, done, nil
}
