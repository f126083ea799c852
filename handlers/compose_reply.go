package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// replyToMessage handles GET /mail/{mailbox}/{uid}/reply and, with all,
// /reply-all: it starts the reply and sends the browser to it.
func (s *Server) replyToMessage(all bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		mailbox, uid, err := messageParams(c)
		if err != nil {
			return err
		}
		in := app.ReplyInput{Original: app.OriginalRef{Mailbox: mailbox, UID: uid}, All: all}
		id, err := s.App.Reply(c.Request().Context(), currentSession(c), in)
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, composeURL(id))
	}
}
