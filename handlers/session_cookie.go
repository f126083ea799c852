package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/session"
)

// sessionCookie returns the browser's session cookie, if any. Over TLS the
// cookie is session.SecureCookieName; the plain name is still read there
// (legacy) so that users signed in before the __Host- prefix stay signed in:
// the first request moves them over (upgradeSessionCookie).
func (s *Server) sessionCookie(c echo.Context) (cookie *http.Cookie, legacy bool) {
	secure := s.isTLS(c)
	if cookie, err := c.Cookie(session.CookieNameFor(secure)); err == nil && cookie.Value != "" {
		return cookie, false
	}
	if !secure {
		return nil, false
	}
	if cookie, err := c.Cookie(session.CookieName); err == nil && cookie.Value != "" {
		return cookie, true
	}
	return nil, false
}

// upgradeSessionCookie reissues a session found under the plain cookie name
// over TLS under the __Host- name, and removes the old cookie.
func (s *Server) upgradeSessionCookie(c echo.Context, sess *session.Session) {
	c.SetCookie(s.Sessions.Cookie(sess, true))
	c.SetCookie(legacySessionCookieClear())
}

// legacySessionCookieClear removes the session cookie set under its plain
// name before the __Host- prefix, on a TLS connection.
func legacySessionCookieClear() *http.Cookie {
	return &http.Cookie{Name: session.CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}
}

// clearSiteData asks the browser, once a logout has succeeded, to drop
// the storage and cached pages this site left with it, so the next person at
// a shared computer finds nothing of the last user's mail. Not "cookies":
// that would also wipe the device cookie, the proof that lets this browser
// sign in without the slow-down an attacker guessing the user's password
// causes; the session cookie is expired by name (logout) and is worthless
// anyway once the session is deleted server-side.
func clearSiteData(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		res.Before(func() {
			if res.Status < http.StatusBadRequest {
				res.Header().Set("Clear-Site-Data", `"cache", "storage"`)
			}
		})
		return next(c)
	}
}
