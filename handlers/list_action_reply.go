package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/templates/pages"
)

// askListConfirmation fills the question for an action that cannot be
// undone.
func askListConfirmation(req listActionRequest, g messageGroup, boxes []mail.Mailbox, out *listOutcome) {
	name := displayName(boxes, g.mailbox)
	if req.action == listActEmpty {
		var n uint32
		for _, b := range boxes {
			if b.Name == g.mailbox {
				n = b.Messages
			}
		}
		out.question = "Empty " + name + "?"
		out.detail = "All " + countNoun(int(n), "message") + " in " + name + " will be deleted for good. This cannot be undone."
		out.button = "Empty " + name
		return
	}
	out.question = "Delete " + countNoun(req.count, "message") + " for good?"
	out.detail = "Messages deleted from " + name + " cannot be recovered."
	out.button = "Delete for good"
}

// confirmListAction answers an action that needs confirming: 409 for a
// script, which asks and posts again with confirm=yes; a page repeating
// the form with confirm=yes otherwise.
func (s *Server) confirmListAction(c echo.Context, req listActionRequest, out listOutcome) error {
	if wantsJSON(c) {
		return c.JSON(http.StatusConflict, map[string]any{"ok": false, "confirm": out.question, "message": out.question + " " + out.detail})
	}
	sess := currentSession(c)
	fields := []pages.HiddenField{{Name: "csrf", Value: sess.CSRFToken}, {Name: "action", Value: req.action},
		{Name: "confirm", Value: "yes"}, {Name: "return", Value: req.returnURL}}
	if req.target != "" {
		fields = append(fields, pages.HiddenField{Name: "target", Value: req.target})
	}
	for _, g := range req.groups {
		for _, uid := range g.uids {
			v := strconv.FormatUint(uint64(uid), 10)
			if g.mailbox == req.mailbox {
				fields = append(fields, pages.HiddenField{Name: "uid", Value: v})
			} else {
				fields = append(fields, pages.HiddenField{Name: "msg", Value: url.PathEscape(g.mailbox) + "/" + v})
			}
		}
	}
	view := pages.ListConfirmView{
		Frame:     s.frame(c, out.question),
		Question:  out.question,
		Detail:    out.detail,
		URL:       c.Request().URL.EscapedPath(),
		Fields:    fields,
		Button:    out.button,
		CancelURL: req.returnURL,
	}
	return render(c, http.StatusOK, pages.ListConfirm(view))
}

// listActionRefused reports an action that failed or was refused. A
// script gets JSON with the safe message. A form post whose mistake the
// user can fix (nothing selected, no folder chosen) goes back to the list
// with the message in its status line; anything else is an error page.
func (s *Server) listActionRefused(c echo.Context, req listActionRequest, err error) error {
	var ue *UserError
	if !errors.As(err, &ue) {
		ue = mailError(err).(*UserError)
	}
	if wantsJSON(c) {
		status := ue.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		attrs := []any{"request_id", reqID(c), "status", status, "path", c.Request().URL.Path}
		if ue.Err != nil {
			attrs = append(attrs, "err", ue.Err)
		}
		if status >= 500 {
			s.Logger.Error("list action failed", attrs...)
		} else {
			s.Logger.Info("list action refused", attrs...)
		}
		return c.JSON(status, map[string]any{"ok": false, "message": ue.Message})
	}
	if ue.Status == http.StatusBadRequest && req.returnURL != "" {
		setListStatus(c, ue.Message, s.isTLS(c))
		return c.Redirect(http.StatusSeeOther, req.returnURL)
	}
	return ue
}

// wantsJSON reports whether the request comes from list.js, which asks for
// JSON.
func wantsJSON(c echo.Context) bool {
	return strings.Contains(c.Request().Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
}
