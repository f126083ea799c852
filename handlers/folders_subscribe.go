package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// subscribeFolder handles POST /folders/subscribe. Fields: folder (its
// full name), subscribed ("1" to subscribe, "0" to unsubscribe) and csrf.
func (s *Server) subscribeFolder(c echo.Context) error {
	subscribe := c.FormValue("subscribed") == "1"
	if err := s.App.SubscribeFolder(c.Request().Context(), currentSession(c), c.FormValue("folder"), subscribe); err != nil {
		return s.refuseFolder(c, err, folderForm{})
	}
	done := "unsubscribed"
	if subscribe {
		done = "subscribed"
	}
	return c.Redirect(http.StatusSeeOther, "/folders?done="+done)
}
