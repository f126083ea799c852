package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// listStatusCookie carries the one-line result of a list action ("3
// messages moved to Archive.") across the redirect after a form post. It
// lives in the browser for a minute at most and is read once: no state on
// any instance, and a reload does not repeat it.
const listStatusCookie = "webmail_list_status"

// maxListStatus bounds the message kept in the cookie.
const maxListStatus = 300

// setListStatus stores msg for the next list page this browser shows.
func setListStatus(c echo.Context, msg string, secure bool) {
	if len(msg) > maxListStatus {
		msg = msg[:maxListStatus]
	}
	c.SetCookie(&http.Cookie{
		Name: listStatusCookie, Value: url.QueryEscape(msg), Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}

// takeListStatus returns the stored message, if any, and clears it. The
// text is only ever shown as text (templ escapes it), so a cookie set by
// someone else can at worst show words, never markup.
func takeListStatus(c echo.Context, secure bool) string {
	cookie, err := c.Cookie(listStatusCookie)
	if err != nil || cookie.Value == "" {
		return ""
	}
	c.SetCookie(&http.Cookie{
		Name: listStatusCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
	msg, err := url.QueryUnescape(cookie.Value)
	if err != nil || len(msg) > maxListStatus {
		return ""
	}
	return msg
}
