package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// trustSender handles POST /mail/{mailbox}/{uid}/trust-sender, the
// "always show images from this sender" button and its undo. Fields:
// csrf, sender (the From address shown on the page), trust ("1" or "0"),
// and part when the button was on an attached message. It returns to the
// message; after trusting, with ?images=1, so the images show at once even
// while a database replica has not caught up with the write.
func (s *Server) trustSender(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	in := app.TrustSenderInput{Sender: c.FormValue("sender"), Trust: c.FormValue("trust") != "0", Part: c.FormValue("part")}
	if err := s.App.TrustSender(c.Request().Context(), currentSession(c), in); err != nil {
		return err
	}
	back := messageURL(mailbox, uid)
	if in.Part != "" {
		back += "/part/" + in.Part + "/view"
	}
	if in.Trust {
		return c.Redirect(http.StatusSeeOther, back+"?images=1&done=trusted")
	}
	return c.Redirect(http.StatusSeeOther, back+"?done=untrusted")
}
