package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// continueDraft handles GET /mail/{mailbox}/{uid}/edit, the "Continue"
// link of a message in Drafts: the compose that saved it if it is still
// open, else a new one loaded from it.
func (s *Server) continueDraft(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	id, err := s.App.ContinueDraft(c.Request().Context(), currentSession(c), app.OriginalRef{Mailbox: mailbox, UID: uid})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, composeURL(id))
}
