package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// newCompose handles GET /compose: optional to, cc, bcc, subject and body
// (as from a link), or mailto=<a whole mailto: URL> from the browser's
// protocol handler. It starts a compose and sends the browser to it.
func (s *Server) newCompose(c echo.Context) error {
	in := app.NewComposeInput{
		To: c.QueryParam("to"), Cc: c.QueryParam("cc"), Bcc: c.QueryParam("bcc"),
		Subject: c.QueryParam("subject"), Body: c.QueryParam("body"), Mailto: c.QueryParam("mailto"),
	}
	id, err := s.App.NewCompose(c.Request().Context(), currentSession(c), in)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, composeURL(id))
}
