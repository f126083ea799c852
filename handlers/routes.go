package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// Routes builds the echo instance with every route and the middleware in
// the order DESIGN.md gives:
//
//	request ID (also into the context, for log lines) -> language (into
//	the context, for i18n.T) -> panic recovery ->
//	security headers -> metrics -> access log -> body limit -> client IP
//	(trusted proxies only) -> session load -> the user's language setting
//	-> CSRF check -> read-your-writes.
//
// Every request body is capped at MaxFormBytes before anything reads it.
// A route that takes uploads opts into a larger limit by wrapping its
// registration in bodies.allow(route, limit); its body is then streamed:
// the CSRF token comes from the X-CSRF-Token header or a first multipart
// part named "csrf", and the handler reads the rest with uploadParts(c),
// part by part, never ParseMultipartForm. For example:
//
//	bodies.allow(app.POST("/compose/:id/attachments", s.addAttachments), s.uploadBodyLimit())
func (s *Server) Routes() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = s.extractIP

	// Route on the escaped path so a mailbox name with "/" or "%" in it is
	// one path segment; handlers unescape parameters themselves.
	e.Pre(rawPath)
	bodies := newBodyLimits(s.MaxFormBytes)
	e.Use(requestID, requestContext, localize, s.withIconSprite, s.recoverPanic, s.securityHeaders, s.observeRequest, s.accessLog,
		compressPages(), bodies.middleware, s.loadSession, localizeForUser, s.checkCSRF, s.readYourWrites)

	// Probes for the load balancer and process supervisors.
	e.GET("/healthz", s.showHealth)
	e.GET("/readyz", s.showReadiness)

	// No /metrics or /debug/pprof here: they have a listener of their own
	// (WEBMAIL_METRICS_LISTEN, internal/metrics), off the public path.

	// Assets, content-hashed and cached for a year.
	e.GET("/static/*", echo.WrapHandler(newGzipAssets(s.Assets)))
	e.GET("/favicon.ico", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, s.Assets.Path("favicon.svg"))
	})

	// Logging in and out.
	e.GET("/login", s.showLogin)
	e.POST("/login", s.submitLogin)
	e.POST("/logout", s.logout, clearSiteData)

	// Remote images of message bodies, through our proxy. Not behind the
	// session: the body document that loads them is sandboxed, an opaque
	// origin, so the browser sends it no SameSite cookie. The signature
	// in the URL is the key: the proxy fetches only URLs a sanitized body
	// of ours was given (app.ProxyImage).
	e.GET(app.ImageProxyPath, s.proxyImage)

	// Reading mail: everything below needs a session.
	app := e.Group("", s.requireSession)
	app.GET("/", s.showHome)
	app.GET("/mail", s.showHome)
	app.GET("/mail/:mailbox", s.listMessages)
	app.GET("/mail/:mailbox/:uid", s.showMessage)
	app.GET("/mail/:mailbox/:uid/body", s.showMessageBody)
	app.GET("/mail/:mailbox/:uid/raw", s.downloadMessage)
	app.GET("/mail/:mailbox/:uid/part/:part", s.downloadPart)

	// The message list's search and its actions on selected messages: one
	// POST for every action (action, uid..., target; see actOnMessages),
	// for a folder's list, and for search results from many folders
	// (msg="{mailbox}/{uid}"...).
	app.GET("/search", s.searchMessages)
	app.POST("/mail/:mailbox/actions", s.actOnMessages)
	app.POST("/actions", s.actOnMessages)
	// Undo of a move, archive, delete or junk, by the signed token the
	// action returned (any instance can undo what another did).
	app.POST("/undo", s.undoListAction)

	// The message view's other views and actions. A {part} is a part path:
	// "2", or "2:1.3" for part 1.3 of the message attached as part 2.
	app.GET("/mail/:mailbox/:uid/source", s.showMessageSource)
	app.GET("/mail/:mailbox/:uid/print", s.printMessage)
	app.POST("/mail/:mailbox/:uid/actions", s.actOnMessage)
	app.POST("/mail/:mailbox/:uid/trust-sender", s.trustSender)
	app.GET("/mail/:mailbox/:uid/part/:part/view", s.showAttachedMessage)
	app.GET("/mail/:mailbox/:uid/part/:part/body", s.showAttachedBody)

	// Folder management: the page, then one POST per change.
	app.GET("/folders", s.showFolders)
	app.POST("/folders/create", s.createFolder)
	app.POST("/folders/rename", s.renameFolder)
	app.POST("/folders/delete", s.deleteFolder)
	app.POST("/folders/subscribe", s.subscribeFolder)

	// The user's settings (stored in SQL): the page and its one form.
	app.GET("/settings", s.showSettings)
	app.POST("/settings", s.saveSettings)
	// The user's sessions (from the shared session store, so every
	// instance lists and ends the same ones): the list, ending one other
	// session by its ref, ending all but this one.
	app.GET("/settings/sessions", s.showSessions)
	app.POST("/settings/sessions/:ref/end", s.endSession)
	app.POST("/settings/sessions/end-others", s.endOtherSessions)

	// New-mail push: a Server-Sent Events stream fed by IMAP IDLE.
	app.GET("/events", s.streamEvents)

	// Writing mail. A compose lives in SQL under an unguessable ID, so any
	// instance continues it. Starting one (new, from a link, reply,
	// forward, continuing a draft) redirects to its page; the page is one
	// form (save; send posts the same fields) and a separate upload form,
	// whose route streams up to the upload limit (bodies.allow).
	app.GET("/compose", s.newCompose)
	app.GET("/mail/:mailbox/:uid/reply", s.replyToMessage(false))
	app.GET("/mail/:mailbox/:uid/reply-all", s.replyToMessage(true))
	app.GET("/mail/:mailbox/:uid/forward", s.forwardMessage(false))
	app.GET("/mail/:mailbox/:uid/forward-attached", s.forwardMessage(true))
	app.GET("/mail/:mailbox/:uid/edit", s.continueDraft)
	app.GET("/compose/:id", s.showCompose)
	app.POST("/compose/:id", s.saveCompose)
	app.POST("/compose/:id/discard", s.discardCompose)
	bodies.allow(app.POST("/compose/:id/attachments", s.addAttachments), s.uploadBodyLimit())
	app.GET("/compose/:id/attachments/:upload", s.showAttachment)
	app.POST("/compose/:id/attachments/:upload/delete", s.deleteAttachment)
	app.GET("/contacts/suggest", s.suggestContacts)
	app.GET("/settings/identities", s.showIdentities)
	app.POST("/settings/identities", s.saveIdentity)
	app.POST("/settings/identities/:id/delete", s.deleteIdentity)
	// Sending goes through the outbox (undo window, send later, retries
	// while the SMTP server is down); the send ends on its result page
	// (GET), which a reload can show again without sending twice.
	app.POST("/compose/:id/send", s.sendCompose)
	app.GET("/compose/:id/send", s.showSendResult)
	app.POST("/compose/:id/undo", s.undoSend)
	app.GET("/outbox", s.showOutbox)
	app.POST("/outbox/:id/cancel", s.cancelOutgoing)
	app.POST("/outbox/:id/dismiss", s.dismissSendNotice)

	// Plugins' pages (the Routes hook) under /plugins/<name>/, behind the
	// session like the routes above and the middleware of every route.
	s.pluginRoutes(app)
	return e
}
