package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// actOnMessages runs one action on selected messages: POST
// /mail/{mailbox}/actions for a folder's list, POST /actions for results
// from many folders. Fields: csrf, action (see app.RunListAction), uid
// (repeated, messages of {mailbox}), msg (repeated, "{escaped
// mailbox}/{uid}"), target (move and copy), confirm=yes (for what cannot be
// undone) and return (the list to go back to).
//
// A script asking for JSON (Accept: application/json) gets {ok, message,
// removed, undo} (see listActionDone) or, when the action needs
// confirming, 409 with {confirm}.
// A plain form post is redirected (303) back to the list, whose status
// line then says what happened, or shown a confirmation page.
func (s *Server) actOnMessages(c echo.Context) error {
	req, err := readListActionRequest(c)
	if err != nil {
		return s.listActionRefused(c, req, err)
	}
	res, err := s.App.RunListAction(c.Request().Context(), currentSession(c), req.ListAction)
	switch {
	case err != nil:
		return s.listActionRefused(c, req, err)
	case res.Confirm != nil:
		return s.confirmListAction(c, req, res)
	case wantsJSON(c):
		return s.listActionDone(c, res)
	}
	s.offerUndo(c, res.Undo)
	setListStatus(c, res.Message, s.isTLS(c))
	return c.Redirect(http.StatusSeeOther, req.returnURL)
}
