package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/i18n"
)

// localize puts the request's language into its context, so templates and
// handlers translate with i18n.T(ctx, ...): the best match for the
// browser's Accept-Language until the user's language setting is known.
// It runs early, so even an error page from the middleware after it is in
// the user's language.
func localize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		loc := i18n.Negotiate(req.Header.Get("Accept-Language"), "")
		c.SetRequest(req.WithContext(i18n.WithLocale(req.Context(), loc)))
		// Caches in front (and the browser) keep one copy per language.
		c.Response().Header().Add(echo.HeaderVary, "Accept-Language")
		return next(c)
	}
}
