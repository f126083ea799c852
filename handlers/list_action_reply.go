package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// confirmListAction answers an action that needs confirming: 409 for a
// script, which asks and posts again with confirm=yes; a page repeating
// the form with confirm=yes otherwise.
func (s *Server) confirmListAction(c echo.Context, req listActionRequest, res app.ActionResult) error {
	q := res.Confirm
	if wantsJSON(c) {
		return c.JSON(http.StatusConflict, map[string]any{"ok": false, "confirm": q.Question, "message": q.Question + " " + q.Detail})
	}
	return render(c, http.StatusOK, pages.ListConfirm(pages.ListConfirmView{
		Frame:     s.frame(c, q.Question),
		Question:  q.Question,
		Detail:    q.Detail,
		URL:       c.Request().URL.EscapedPath(),
		Fields:    confirmFields(currentSession(c).CSRFToken, req),
		Button:    q.Button,
		CancelURL: req.returnURL,
	}))
}

// confirmFields repeat the action form, with confirm=yes.
func confirmFields(csrf string, req listActionRequest) []pages.HiddenField {
	fields := []pages.HiddenField{{Name: "csrf", Value: csrf}, {Name: "action", Value: req.Action},
		{Name: "confirm", Value: "yes"}, {Name: "return", Value: req.returnURL}}
	if req.Target != "" {
		fields = append(fields, pages.HiddenField{Name: "target", Value: req.Target})
	}
	for _, g := range req.Groups {
		for _, uid := range g.UIDs {
			v := strconv.FormatUint(uint64(uid), 10)
			if g.Mailbox == req.Mailbox {
				fields = append(fields, pages.HiddenField{Name: "uid", Value: v})
			} else {
				fields = append(fields, pages.HiddenField{Name: "msg", Value: url.PathEscape(g.Mailbox) + "/" + v})
			}
		}
	}
	return fields
}

// listActionRefused reports an action that failed or was refused. A
// script gets JSON with the safe message. A form post whose mistake the
// user can fix (nothing selected, no folder chosen) goes back to the list
// with the message in its status line; anything else is an error page.
func (s *Server) listActionRefused(c echo.Context, req listActionRequest, err error) error {
	ue := s.userError(c, err)
	if wantsJSON(c) {
		attrs := []any{"request_id", reqID(c), "status", ue.Status, "path", c.Request().URL.Path}
		if ue.Err != nil {
			attrs = append(attrs, "err", ue.Err)
		}
		if ue.Status >= 500 {
			s.Logger.Error("list action failed", attrs...)
		} else {
			s.Logger.Info("list action refused", attrs...)
		}
		return c.JSON(ue.Status, map[string]any{"ok": false, "message": ue.Message})
	}
	if ue.Status == http.StatusBadRequest && req.returnURL != "" {
		setListStatus(c, ue.Message, s.isTLS(c))
		return c.Redirect(http.StatusSeeOther, req.returnURL)
	}
	return ue
}

// listActionDone answers list.js for an action done: {ok, message,
// removed}, and undo (the token for POST /undo) with undo_label (the
// button's words) when the action can be undone.
func (s *Server) listActionDone(c echo.Context, res app.ActionResult) error {
	out := map[string]any{"ok": true, "message": res.Message, "removed": res.Removed}
	if res.Undo != "" {
		out["undo"] = res.Undo
		out["undo_label"] = i18n.T(c.Request().Context(), "Undo")
	}
	return c.JSON(http.StatusOK, out)
}

// wantsJSON reports whether the request comes from list.js, which asks for
// JSON.
func wantsJSON(c echo.Context) bool {
	return strings.Contains(c.Request().Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
}
