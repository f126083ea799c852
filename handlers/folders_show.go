package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/templates/pages"
)

// showFolders shows the folder management page at /folders; ?edit={name}
// opens the rename/move/delete form of one folder.
func (s *Server) showFolders(c echo.Context) error {
	return s.renderFolders(c, http.StatusOK, folderForm{status: folderStatus(c.QueryParam("done")), edit: c.QueryParam("edit")})
}

// folderForm is what a folder page shows besides the folders: a status, a
// refusal and the values to type again.
type folderForm struct {
	status    string
	problem   *UserError
	newName   string
	newParent string
	edit      string
}

// renderFolders draws the folder page with the given status code; the
// POST handlers use it to show a refusal next to the form it is about.
func (s *Server) renderFolders(c echo.Context, status int, form folderForm) error {
	var boxes []mail.Mailbox
	var subscribed map[string]bool
	known := true
	err := s.withIMAP(c, func(client *mail.Client) error {
		ctx := c.Request().Context()
		var err error
		if boxes, err = client.Mailboxes(ctx); err != nil {
			return err
		}
		subscribed, err = client.Subscriptions(ctx)
		if errors.Is(err, mail.ErrSubscriptionsUnsupported) {
			known, err = false, nil
		}
		return err
	})
	if err != nil {
		return err
	}
	delim := folderDelimiter(boxes)
	view := pages.FoldersManageView{
		Frame:              s.frame(c, "Folders"),
		Folders:            folderItems(boxes, ""),
		Status:             form.status,
		NewName:            form.newName,
		NewParent:          form.newParent,
		SubscriptionsKnown: known,
		Delimiter:          delim,
	}
	if form.problem != nil {
		view.Error = form.problem.Message
	}
	for _, b := range boxes {
		view.Rows = append(view.Rows, pages.FolderRow{
			Name:       b.Name,
			Label:      b.DisplayName,
			Path:       folderPath(b),
			Depth:      b.Depth,
			Special:    b.SpecialUse,
			Messages:   b.Messages,
			Unseen:     b.Unseen,
			NoSelect:   b.NoSelect,
			Subscribed: subscribed[b.Name],
			Protected:  b.Name == "INBOX",
			EditURL:    "/folders?edit=" + url.QueryEscape(b.Name),
		})
		view.Parents = append(view.Parents, pages.FolderOption{Value: b.Name, Label: folderPath(b)})
	}
	if b, ok := findFolder(boxes, form.edit); ok && b.Name != "INBOX" {
		parent, leaf := splitFolder(b.Name, delim)
		edit := &pages.FolderEdit{Name: b.Name, Leaf: leaf, Parent: parent, Special: b.SpecialUse}
		for _, p := range boxes {
			if p.Name != b.Name && !isUnder(p.Name, b.Name, delim) {
				edit.Parents = append(edit.Parents, pages.FolderOption{Value: p.Name, Label: folderPath(p)})
			}
		}
		view.Edit = edit
	}
	return render(c, status, pages.FoldersManage(view))
}

// refuseFolder shows the folder page again with the refusal, at the
// refusal's status.
func (s *Server) refuseFolder(c echo.Context, problem *UserError, form folderForm) error {
	form.problem = problem
	return s.renderFolders(c, problem.Status, form)
}
