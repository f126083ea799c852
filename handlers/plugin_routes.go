package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/plugins"
)

// pluginRoutes mounts each plugin's handler (plugins.Routes) at
// /plugins/<name>/ in group g, which carries the session requirement;
// the middleware of every route (security headers, CSRF, body limits)
// is around it already.
func (s *Server) pluginRoutes(g *echo.Group) {
	for name, h := range s.Plugins {
		prefix := "/plugins/" + name
		serve := servePlugin(prefix, h)
		g.Any(prefix+"/*", serve)
		g.GET(prefix, func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, prefix+"/") })
	}
}

// servePlugin hands the request to a plugin with its prefix removed and
// the signed-in user in its context (plugins.UserOf).
func servePlugin(prefix string, h http.Handler) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess := currentSession(c)
		r := c.Request()
		r2 := r.Clone(plugins.WithUser(r.Context(), sess.User, sess.CSRFToken))
		r2.URL.Path = "/" + strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, prefix), "/")
		r2.URL.RawPath = ""
		h.ServeHTTP(c.Response(), r2)
		return nil
	}
}
