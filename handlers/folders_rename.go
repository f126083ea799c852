package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// renameFolder handles POST /folders/rename, which renames a folder and
// moves it under another parent in one go. Fields: folder (its full name),
// name (its new last element), parent (full name of the new parent, "" for
// the top level) and csrf. Folders inside it move along.
func (s *Server) renameFolder(c echo.Context) error {
	in := app.RenameFolderInput{Folder: c.FormValue("folder"), Parent: c.FormValue("parent"), Name: c.FormValue("name")}
	done, err := s.App.RenameFolder(c.Request().Context(), currentSession(c), in)
	if err != nil {
		return s.refuseFolder(c, err, folderForm{edit: in.Folder})
	}
	return c.Redirect(http.StatusSeeOther, "/folders?done="+done)
}
