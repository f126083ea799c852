package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/templates/pages"
)

// deleteFolder handles POST /folders/delete. Fields: folder (its full
// name), confirm and csrf. Without confirm=yes it only shows what would be
// deleted (messages, folders inside) and asks again, with a warning for a
// special folder; with it, the folder, its subfolders and their messages
// are deleted. The Inbox is never deleted.
func (s *Server) deleteFolder(c echo.Context) error {
	folder := c.FormValue("folder")
	confirmed := c.FormValue("confirm") == "yes"
	var refused *UserError
	var boxes []mail.Mailbox
	var target mail.Mailbox
	err := s.withIMAP(c, func(client *mail.Client) error {
		ctx := c.Request().Context()
		var err error
		if boxes, err = client.Mailboxes(ctx); err != nil {
			return err
		}
		var ok bool
		target, ok = findFolder(boxes, folder)
		switch {
		case !ok:
			refused = &UserError{Status: http.StatusNotFound, Title: "No such folder",
				Message: "That folder does not exist any more."}
		case target.Name == "INBOX":
			refused = &UserError{Status: http.StatusBadRequest, Title: "Inbox cannot be deleted",
				Message: "The Inbox cannot be deleted: new mail arrives there."}
		case confirmed:
			return client.DeleteMailbox(ctx, target.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if refused != nil {
		return s.refuseFolder(c, refused, folderForm{})
	}
	if confirmed {
		return c.Redirect(http.StatusSeeOther, "/folders?done=deleted")
	}
	delim := folderDelimiter(boxes)
	view := pages.FolderDeleteView{
		Frame:    s.frame(c, "Delete folder"),
		Folders:  folderItems(boxes, ""),
		Name:     target.Name,
		Path:     folderPath(target),
		Special:  target.SpecialUse,
		Messages: target.Messages,
		BackURL:  "/folders?edit=" + url.QueryEscape(target.Name),
	}
	for _, b := range boxes {
		if isUnder(b.Name, target.Name, delim) {
			view.Subfolder = append(view.Subfolder, b.Name)
			view.Messages += b.Messages
		}
	}
	return render(c, http.StatusOK, pages.FolderDelete(view))
}
