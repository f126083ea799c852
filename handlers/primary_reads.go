package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// Read-your-writes across instances. Every change a user makes arrives as
// an unsafe request (POST...). Its response carries a short-lived cookie
// saying until when this browser's reads must go to the primary; the next
// request may reach any instance, and each honours the cookie, so nobody
// sees a setting or contact they just saved disappear because a replica is
// a moment behind. The cookie is not signed: the worst a forged one does is
// send that browser's own reads to the primary, for at most the window.
const primaryReadsCookie = "webmail_rw"

// readYourWrites marks the request context for primary reads (see
// app.WithPrimaryReads) during the window after a change, and during the
// change itself.
func (s *Server) readYourWrites(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.StickyWindow <= 0 {
			return next(c)
		}
		req := c.Request()
		now := time.Now()
		unsafe := req.Method != http.MethodGet && req.Method != http.MethodHead && req.Method != http.MethodOptions
		if unsafe || s.inPrimaryWindow(c, now) {
			c.SetRequest(req.WithContext(app.WithPrimaryReads(req.Context())))
		}
		if unsafe {
			res := c.Response()
			res.Before(func() {
				if res.Status < http.StatusBadRequest {
					s.setPrimaryWindow(c, time.Now().Add(s.StickyWindow))
				}
			})
		}
		return next(c)
	}
}

// inPrimaryWindow reports whether the browser's cookie says its reads go
// to the primary now. A value further ahead than one window is forged or
// from a clock jump and ignored.
func (s *Server) inPrimaryWindow(c echo.Context, now time.Time) bool {
	cookie, err := c.Cookie(primaryReadsCookie)
	if err != nil {
		return false
	}
	ms, err := strconv.ParseInt(cookie.Value, 10, 64)
	if err != nil {
		return false
	}
	until := time.UnixMilli(ms)
	return now.Before(until) && !until.After(now.Add(s.StickyWindow+time.Second))
}

func (s *Server) setPrimaryWindow(c echo.Context, until time.Time) {
	c.SetCookie(&http.Cookie{
		Name:     primaryReadsCookie,
		Value:    strconv.FormatInt(until.UnixMilli(), 10),
		Path:     "/",
		MaxAge:   int((s.StickyWindow + time.Second - 1) / time.Second),
		HttpOnly: true,
		Secure:   s.isTLS(c),
		SameSite: http.SameSiteLaxMode,
	})
}
