package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Routes builds the echo instance with every route and the middleware in
// the order DESIGN.md gives:
//
//	request ID -> panic recovery -> security headers -> access log ->
//	client IP (trusted proxies only) -> session load -> CSRF check.
func (s *Server) Routes() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = clientIPExtractor(s.TrustedProxies)

	// Route on the escaped path so a mailbox name with "/" or "%" in it is
	// one path segment; handlers unescape parameters themselves.
	e.Pre(rawPath)
	e.Use(requestID, s.recoverPanic, securityHeaders, s.accessLog, s.loadSession, s.checkCSRF)

	// Probes for the load balancer and process supervisors.
	e.GET("/healthz", s.showHealth)
	e.GET("/readyz", s.showReadiness)

	// Assets, content-hashed and cached for a year.
	e.GET("/static/*", echo.WrapHandler(s.Assets))
	e.GET("/favicon.ico", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, s.Assets.Path("favicon.svg"))
	})

	// Logging in and out.
	e.GET("/login", s.showLogin)
	e.POST("/login", s.submitLogin)
	e.POST("/logout", s.logout)

	// Reading mail: everything below needs a session.
	app := e.Group("", s.requireSession)
	app.GET("/", s.showHome)
	app.GET("/mail", s.showHome)
	app.GET("/mail/:mailbox", s.listMessages)
	app.GET("/mail/:mailbox/:uid", s.showMessage)
	app.GET("/mail/:mailbox/:uid/body", s.showMessageBody)
	app.GET("/mail/:mailbox/:uid/raw", s.downloadMessage)
	app.GET("/mail/:mailbox/:uid/part/:part", s.downloadPart)

	// New-mail push: a Server-Sent Events stream fed by IMAP IDLE.
	app.GET("/events", s.streamEvents)
	return e
}
