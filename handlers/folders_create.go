package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// createFolder handles POST /folders/create. Fields: name (one level),
// parent (full name of the folder to create it in, "" for the top level)
// and csrf. The new folder is subscribed, so every mail program shows it.
func (s *Server) createFolder(c echo.Context) error {
	in := app.CreateFolderInput{Parent: c.FormValue("parent"), Name: c.FormValue("name")}
	if err := s.App.CreateFolder(c.Request().Context(), currentSession(c), in); err != nil {
		return s.refuseFolder(c, err, folderForm{newName: in.Name, newParent: in.Parent})
	}
	return c.Redirect(http.StatusSeeOther, "/folders?done=created")
}
