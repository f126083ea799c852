package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/templates/pages"
)

// printMessage serves the print view of a message at
// /mail/{mailbox}/{uid}/print: a plain document with the headers and the
// body inline, which prints whole (an iframe would print cut off). It
// carries the body's strict CSP, sandbox included, so the sanitized HTML
// in it is as contained as in the iframe; it may never be framed.
// Remote images load only with ?images=1 from our own page, as on the
// message page.
func (s *Server) printMessage(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	allowRemote := remoteImagesAsked(c)
	printed, err := s.App.PrintMessage(c.Request().Context(), currentSession(c), app.PrintInput{
		Mailbox: mailbox, UID: uid, AllowRemote: allowRemote,
	})
	if err != nil {
		return err
	}
	msg := printed.Message
	view := pages.MessagePrintView{
		Subject:  subjectOrPlaceholder(msg.Subject),
		From:     addressList(msg.From),
		To:       addressList(msg.To),
		Cc:       addressList(msg.Cc),
		Date:     shownTime(c.Request().Context(), msg.Date, time.Now(), app.DisplayPrefsOf(currentSession(c)).Location()).Full,
		SafeHTML: printed.SafeHTML,
		TextHTML: msg.TextHTML,
		// The print view has no links: the parts are listed by name.
		Attachments: attachmentItems(msg.Attachments, messageLinks{}),
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", s.bodyPolicy(c, allowRemote, "'none'"))
	h.Set("Referrer-Policy", "no-referrer")
	return render(c, http.StatusOK, pages.MessagePrint(view))
}
