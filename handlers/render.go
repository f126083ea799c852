package handlers

import (
	"bytes"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/templates/layout"
)

// render writes a templ component as the whole response. It renders into a
// buffer first so a template error becomes an error page, not half a page.
func render(c echo.Context, status int, component templ.Component) error {
	var buf bytes.Buffer
	if err := component.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// frame fills the layout's view model for this request.
func (s *Server) frame(c echo.Context, title string) layout.Frame {
	f := layout.Frame{
		Title:   title,
		CSSURLs: s.stylesheets,
		JSURLs:  s.scripts,
		IconURL: s.Assets.Path("favicon.svg"),
	}
	if sess := currentSession(c); sess != nil {
		f.User = sess.User
		f.CSRF = sess.CSRFToken
		f.SendNotices = s.sendNotices(c)
	}
	return f
}
