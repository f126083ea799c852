package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
)

// createFolder handles POST /folders/create. Fields: name (one level),
// parent (full name of the folder to create it in, "" for the top level)
// and csrf. The new folder is subscribed, so every mail program shows it.
func (s *Server) createFolder(c echo.Context) error {
	form := folderForm{newName: c.FormValue("name"), newParent: c.FormValue("parent")}
	var refused *UserError
	err := s.withIMAP(c, func(client *mail.Client) error {
		ctx := c.Request().Context()
		boxes, err := client.Mailboxes(ctx)
		if err != nil {
			return err
		}
		var name string
		if name, refused = newFolderName(boxes, form.newParent, form.newName); refused != nil {
			return nil
		}
		refused, err = createMailbox(ctx, client, name)
		return err
	})
	if err != nil {
		return err
	}
	if refused != nil {
		return s.refuseFolder(c, refused, form)
	}
	return c.Redirect(http.StatusSeeOther, "/folders?done=created")
}

// newFolderName checks a new folder's parent and name and returns its full
// name.
func newFolderName(boxes []mail.Mailbox, parent, leaf string) (string, *UserError) {
	delim := folderDelimiter(boxes)
	leaf, refused := checkFolderLeaf(leaf, delim)
	if refused != nil {
		return "", refused
	}
	if parent != "" {
		p, ok := findFolder(boxes, parent)
		if !ok {
			return "", &UserError{Status: http.StatusBadRequest, Title: "No such folder",
				Message: "The folder you chose under “Inside” does not exist any more."}
		}
		parent = p.Name
	}
	name := joinFolder(parent, leaf, delim)
	return name, folderExists(boxes, name)
}

// createMailbox creates and subscribes name; a name the server says exists
// (a folder another program just made, a case clash) is a refusal.
func createMailbox(ctx context.Context, client *mail.Client, name string) (*UserError, error) {
	err := client.CreateMailbox(ctx, name)
	switch {
	case errors.Is(err, mail.ErrMailboxExists):
		return errFolderExists(), nil
	case errors.Is(err, mail.ErrBadMailboxName):
		return &UserError{Status: http.StatusBadRequest, Title: "Folder name not possible",
			Message: "The mail server does not accept that folder name. Choose another."}, nil
	case err != nil:
		return nil, err
	}
	// Not subscribing only hides the folder in some programs: not worth
	// failing a created folder for.
	_ = client.SetSubscribed(ctx, name, true)
	return nil, nil
}
