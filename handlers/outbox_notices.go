package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/templates/layout"
)

// sendNotices are the banners about refused messages for the signed-in
// user, on every page. A POST's page dismisses back to the Inbox.
func (s *Server) sendNotices(c echo.Context) []layout.SendNotice {
	sess := currentSession(c)
	if sess == nil || s.App == nil {
		return nil
	}
	back := "/mail/INBOX"
	if c.Request().Method == http.MethodGet {
		back = c.Request().URL.RequestURI()
	}
	var out []layout.SendNotice
	for _, m := range s.App.SendNotices(c.Request().Context(), sess) {
		out = append(out, layout.SendNotice{OutboxID: m.OutboxID, ComposeID: m.ComposeID, Subject: m.Subject,
			Answer: m.ServerAnswer, Back: back})
	}
	return out
}
