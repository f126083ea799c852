package handlers

import (
	"io"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/layout"
)

// render writes a templ component as the whole response, streamed as it
// renders: no copy of the page is held, and a large list reaches the
// browser (and the gzip writer) while the rest is being rendered. Views
// are plain data, so rendering fails only when the client goes away; an
// error after the first bytes is logged by the error handler, which
// cannot replace a page already under way.
func render(c echo.Context, status int, component templ.Component) error {
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	res.WriteHeader(status)
	return component.Render(c.Request().Context(), unflushed{res})
}

// unflushed hides the response's Flush from templ, which flushes the
// writer it was given when it finishes rendering: the handler returns right
// after, and net/http sends the rest then. That last flush cost every page
// a compressed stream's sync block and a write of its own (4% of the
// webmail's CPU on a message view). The page still streams: templ writes
// it out in 4 KiB pieces as it renders.
type unflushed struct{ w io.Writer }

func (u unflushed) Write(b []byte) (int, error) { return u.w.Write(b) }

// frame fills the layout's view model for this request. title is an
// English catalog key ("Settings"), translated here; a title that is no
// key (a subject, a folder's name) stays as it is.
func (s *Server) frame(c echo.Context, title string) layout.Frame {
	f := layout.Frame{
		Title:   i18n.T(c.Request().Context(), title),
		CSSURLs: s.stylesheets,
		JSURLs:  s.scripts,
		IconURL: s.Assets.Path("favicon.svg"),
	}
	if sess := currentSession(c); sess != nil {
		display := app.DisplayPrefsOf(sess) // from the session: no query
		f.Theme, f.Density, f.Notifications = display.Theme, display.Density, display.Notifications
		f.Quota = quotaView(c.Request().Context(), s.App.SidebarQuota(sess)) // as the folder list just learnt it
		f.User = sess.User
		f.CSRF = sess.CSRFToken
		f.SendNotices = s.sendNotices(c)
		f.Undo = s.takeUndoOffer(c)
	}
	return f
}
