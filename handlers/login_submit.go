package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/templates/pages"
)

// submitLogin handles POST /login (fields: username, password, csrf): the
// application checks the credentials and starts a session; a refused
// attempt shows the form again with the typed username and why. The
// device cookie, which a success sets, spares this browser the slow-down
// others can cause by failing logins as the user.
func (s *Server) submitLogin(c echo.Context) error {
	username := strings.TrimSpace(c.FormValue("username"))
	secure := s.isTLS(c)
	device := ""
	if cookie, err := c.Cookie(session.DeviceCookieNameFor(secure)); err == nil {
		device = cookie.Value
	}
	res, err := s.App.LogIn(c.Request().Context(), app.LoginInput{
		Username: username, Password: c.FormValue("password"), ClientIP: c.RealIP(), UserAgent: c.Request().UserAgent(), DeviceToken: device,
	})
	if e := app.AsError(err); e != nil {
		if e.Code == app.CodeLimited {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())+1))
		}
		_, message := appErrorText(c, e)
		return render(c, appStatus[e.Code], pages.Login(pages.LoginView{
			Frame:    s.frame(c, "Sign in"),
			CSRF:     s.loginCSRFToken(c),
			Username: username,
			Error:    message,
		}))
	}
	if err != nil {
		return err
	}
	c.SetCookie(s.Sessions.Cookie(res.Session, secure))
	c.SetCookie(session.DeviceCookie(res.DeviceToken, secure))
	return c.Redirect(http.StatusSeeOther, "/mail/INBOX")
}
