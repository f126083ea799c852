package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
)

// subscribeFolder handles POST /folders/subscribe. Fields: folder (its
// full name), subscribed ("1" to subscribe, "0" to unsubscribe) and csrf.
func (s *Server) subscribeFolder(c echo.Context) error {
	folder := c.FormValue("folder")
	subscribe := c.FormValue("subscribed") == "1"
	if folder == "" {
		return s.refuseFolder(c, &UserError{Status: http.StatusBadRequest, Title: "No folder chosen",
			Message: "Choose a folder to subscribe to."}, folderForm{})
	}
	var refused *UserError
	err := s.withIMAP(c, func(client *mail.Client) error {
		err := client.SetSubscribed(c.Request().Context(), folder, subscribe)
		if errors.Is(err, mail.ErrNotFound) {
			refused, err = &UserError{Status: http.StatusNotFound, Title: "No such folder",
				Message: "That folder does not exist any more."}, nil
		}
		return err
	})
	if err != nil {
		return err
	}
	if refused != nil {
		return s.refuseFolder(c, refused, folderForm{})
	}
	done := "unsubscribed"
	if subscribe {
		done = "subscribed"
	}
	return c.Redirect(http.StatusSeeOther, "/folders?done="+done)
}
