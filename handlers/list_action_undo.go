package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/templates/layout"
)

// undoCookie carries the undo token of an action done by a form post
// across the redirect to the next page, which offers the undo. Like the
// list status it is read once and lives a minute at most: no state on any
// instance. The token is signed and bound to the user, so a cookie
// planted by someone else offers nothing.
const undoCookie = "webmail_undo"

// maxUndoCookie keeps the cookie under the 4 KB browsers store. An action
// on many scattered messages may have a longer token: the page after a
// form post then offers no undo (a script gets the token in JSON, where
// size does not matter).
const maxUndoCookie = 3500

// offerUndo stores token for the next page this browser shows.
func (s *Server) offerUndo(c echo.Context, token string) {
	if token == "" || len(token) > maxUndoCookie {
		return
	}
	c.SetCookie(&http.Cookie{
		Name: undoCookie, Value: token, Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: s.isTLS(c), SameSite: http.SameSiteLaxMode,
	})
}

// takeUndoOffer returns the undo the previous request offered, if its
// token is still good for this user, and clears it: the page shows it
// once. Nil when there is none.
func (s *Server) takeUndoOffer(c echo.Context) *layout.UndoOffer {
	cookie, err := c.Cookie(undoCookie)
	sess := currentSession(c)
	if err != nil || cookie.Value == "" || sess == nil {
		return nil
	}
	c.SetCookie(&http.Cookie{
		Name: undoCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.isTLS(c), SameSite: http.SameSiteLaxMode,
	})
	offer, ok := s.App.ReadUndoOffer(sess, cookie.Value)
	if !ok {
		return nil
	}
	return &layout.UndoOffer{Token: offer.Token, Message: offer.Message, Return: c.Request().URL.RequestURI()}
}

// undoListAction handles POST /undo: fields csrf, token (the undo token
// of a move, archive, delete to Trash or junk) and return (the page the
// undo was offered on). It moves the messages back (app.UndoListAction).
//
// A script asking for JSON gets {ok, message, location}: location is the
// page of the message that came back when it was one, else its folder. A form post
// goes back to the list or search page it came from, whose status line
// says what happened; from a message page it goes to the message that
// came back (or its folder).
func (s *Server) undoListAction(c echo.Context) error {
	req := listActionRequest{returnURL: safeListReturn(c.FormValue("return"), "/mail/INBOX")}
	res, err := s.App.UndoListAction(c.Request().Context(), currentSession(c), c.FormValue("token"))
	if err != nil {
		return s.listActionRefused(c, req, err)
	}
	location := mailboxURL(res.Mailbox)
	if len(res.UIDs) == 1 {
		location = messageURL(res.Mailbox, res.UIDs[0]) + "?done=restored" // its page says it is back
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusOK, map[string]any{"ok": true, "message": res.Message, "location": location})
	}
	if isListPage(req.returnURL) || len(res.UIDs) != 1 {
		if !isListPage(req.returnURL) {
			req.returnURL = location
		}
		setListStatus(c, res.Message, s.isTLS(c))
		return c.Redirect(http.StatusSeeOther, req.returnURL)
	}
	return c.Redirect(http.StatusSeeOther, location)
}

// isListPage reports whether a safeListReturn URL is a folder's list or
// the search page, not a message (/mail/{mailbox}/{uid}).
func isListPage(u string) bool {
	path, _, _ := strings.Cut(u, "?")
	if path == "/search" {
		return true
	}
	rest, ok := strings.CutPrefix(path, "/mail/")
	if !ok {
		return false
	}
	_, err := url.PathUnescape(rest)
	return err == nil && !strings.Contains(rest, "/")
}
