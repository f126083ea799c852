package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/templates/pages"
)

// deleteFolder handles POST /folders/delete. Fields: folder (its full
// name), confirm and csrf. Without confirm=yes it only shows what would be
// deleted (messages, folders inside) and asks again, with a warning for a
// special folder; with it, the folder, its subfolders and their messages
// are deleted. The Inbox is never deleted.
func (s *Server) deleteFolder(c echo.Context) error {
	res, err := s.App.DeleteFolder(c.Request().Context(), currentSession(c), app.DeleteFolderInput{
		Folder: c.FormValue("folder"), Confirmed: c.FormValue("confirm") == "yes",
	})
	switch {
	case err != nil:
		return s.refuseFolder(c, err, folderForm{})
	case res.Deleted:
		return c.Redirect(http.StatusSeeOther, "/folders?done=deleted")
	}
	return render(c, http.StatusOK, pages.FolderDelete(pages.FolderDeleteView{
		Frame:     s.frame(c, "Delete folder"),
		Folders:   folderItems(res.Folders, ""),
		Name:      res.Folder.Name,
		Path:      app.FolderPath(res.Folder),
		Special:   res.Folder.SpecialUse,
		Messages:  res.Messages,
		Subfolder: res.Subfolders,
		BackURL:   "/folders?edit=" + url.QueryEscape(res.Folder.Name),
	}))
}
