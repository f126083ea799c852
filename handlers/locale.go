package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
)

// localize puts the browser's language (the best match for its
// Accept-Language) into the request's context, so templates and handlers
// translate with i18n.T(ctx, ...). It runs early, so even an error page
// from the middleware after it is in a language the user reads. Assets and
// probes have no words: they skip it, and their responses carry no
// Vary: Accept-Language, which would split the caches of year-long assets
// by every browser's language list.
func localize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if isProbe(c) {
			return next(c)
		}
		req := c.Request()
		loc := i18n.Negotiate(req.Header.Get("Accept-Language"), "")
		c.SetRequest(req.WithContext(i18n.WithLocale(req.Context(), loc)))
		// Caches in front (and the browser) keep one copy per language.
		c.Response().Header().Add(echo.HeaderVary, "Accept-Language")
		return next(c)
	}
}

// localizeForUser puts the signed-in user's language setting, when there
// is one, in place of the browser's. The setting rides in the session
// (app.DisplayPrefsOf), so this costs no query.
func localizeForUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if sess := currentSession(c); sess != nil {
			if language := app.DisplayPrefsOf(sess).Language; language != "" {
				req := c.Request()
				loc := i18n.Negotiate(req.Header.Get("Accept-Language"), language)
				c.SetRequest(req.WithContext(i18n.WithLocale(req.Context(), loc)))
			}
		}
		return next(c)
	}
}
