package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/templates/components"
	"github.com/webmail/webmail/templates/pages"
)

// showFolders shows the folder management page at /folders; ?edit={name}
// opens the rename/move/delete form of one folder.
func (s *Server) showFolders(c echo.Context) error {
	return s.renderFolders(c, http.StatusOK, folderForm{status: folderStatus(c.Request().Context(), c.QueryParam("done")), edit: c.QueryParam("edit")})
}

// folderForm is what a folder page shows besides the folders: a status, a
// refusal and the values to type again.
type folderForm struct {
	status    string
	problem   string
	newName   string
	newParent string
	edit      string
}

// renderFolders draws the folder page with the given status code; the
// POST handlers use it to show a refusal next to the form it is about.
func (s *Server) renderFolders(c echo.Context, status int, form folderForm) error {
	list, err := s.App.ListFolders(c.Request().Context(), currentSession(c))
	if err != nil {
		return err
	}
	boxes := list.Folders
	view := pages.FoldersManageView{
		Frame:              s.frame(c, "Folders"),
		Folders:            folderItems(boxes, ""),
		Status:             form.status,
		Error:              form.problem,
		NewName:            form.newName,
		NewParent:          form.newParent,
		SubscriptionsKnown: list.SubscriptionsKnown,
		Delimiter:          app.FolderDelimiter(boxes),
		Edit:               folderEdit(boxes, form.edit),
	}
	for _, b := range boxes {
		view.Rows = append(view.Rows, pages.FolderRow{
			Name: b.Name, Label: b.DisplayName, Path: app.FolderPath(b), Depth: b.Depth,
			Special: b.SpecialUse, Messages: b.Messages, Unseen: b.Unseen, NoSelect: b.NoSelect,
			Subscribed: list.Subscribed[b.Name], Protected: b.Name == "INBOX",
			EditURL: "/folders?edit=" + url.QueryEscape(b.Name),
		})
		view.Parents = append(view.Parents, components.FolderOption{Value: b.Name, Label: app.FolderPath(b)})
	}
	return render(c, status, pages.FoldersManage(view))
}

// refuseFolder shows the folder page again with a refusal the user can
// correct, at its status; any other failure is an error page.
func (s *Server) refuseFolder(c echo.Context, err error, form folderForm) error {
	if !app.IsFolderRefusal(err) {
		return err
	}
	ue := s.userError(c, err)
	form.problem = ue.Message
	return s.renderFolders(c, ue.Status, form)
}
