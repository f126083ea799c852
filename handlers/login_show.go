package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// showLogin shows the login form, or sends a logged-in user to the inbox.
func (s *Server) showLogin(c echo.Context) error {
	if currentSession(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/mail/INBOX")
	}
	view := pages.LoginView{Frame: s.frame(c, "Sign in"), CSRF: s.loginCSRFToken(c)}
	if s.App.SessionsDown() {
		// Said before the user types a password that cannot be used.
		view.Error = i18n.T(c.Request().Context(), app.SignInUnavailable)
	}
	return render(c, http.StatusOK, pages.Login(view))
}
