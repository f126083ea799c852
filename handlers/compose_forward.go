package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// forwardMessage handles GET /mail/{mailbox}/{uid}/forward and, with
// attached, /forward-attached: it starts the forward and sends the
// browser to it.
func (s *Server) forwardMessage(attached bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		mailbox, uid, err := messageParams(c)
		if err != nil {
			return err
		}
		in := app.ForwardInput{Original: app.OriginalRef{Mailbox: mailbox, UID: uid}, Attached: attached}
		id, err := s.App.Forward(c.Request().Context(), currentSession(c), in)
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, composeURL(id))
	}
}
