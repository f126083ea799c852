package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// bodyPolicy is the CSP of a message body document (and of the print
// view). It runs no script at all, loads nothing but inline styles and
// embedded images (and, when the user allowed remote images, images from
// our own origin: the image proxy, which fetches them for the reader; no
// other origin ever), and is itself sandboxed even if someone opens its
// URL outside our iframe. frameAncestors is 'self' for the body our page
// frames, 'none' for a page that is never framed.
func (s *Server) bodyPolicy(c echo.Context, allowRemote bool, frameAncestors string) string {
	img := "img-src data:"
	if allowRemote {
		// 'self' and the origin spelled out: in a sandboxed document
		// (an opaque origin) browsers have disagreed on what 'self' is.
		img += " 'self'"
		if origin := s.ownOrigin(c); !strings.ContainsAny(origin, " ;,'\"") {
			img += " " + origin
		}
	}
	return "default-src 'none'; style-src 'unsafe-inline'; " + img + "; font-src 'none'; " +
		"form-action 'none'; base-uri 'none'; frame-ancestors " + frameAncestors + "; " +
		"sandbox allow-popups allow-popups-to-escape-sandbox"
}

// remoteImagesAsked reports whether the request asks for remote images
// (?images=1) from one of our own pages: a click on "show images", the
// message page framing its body, the redirect after trusting a sender.
// A link from anywhere else (another site, a mail) cannot switch remote
// content on: the browser's Sec-Fetch-Site must say same-origin. A
// browser that sends no fetch metadata (every current one does) gets no
// remote images: failing closed costs pictures, not privacy.
func remoteImagesAsked(c echo.Context) bool {
	return c.QueryParam("images") == "1" && c.Request().Header.Get("Sec-Fetch-Site") == "same-origin"
}

// showMessageBody serves the sanitized HTML body of a message at
// /mail/{mailbox}/{uid}/body, to be framed by the message page in a
// sandboxed iframe; with ?images=1 from our own page remote images load,
// through the image proxy.
func (s *Server) showMessageBody(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	return s.serveBody(c, app.BodyInput{Mailbox: mailbox, UID: uid})
}

// showAttachedBody serves the sanitized HTML body of an attached message
// at /mail/{mailbox}/{uid}/part/{path}/body, with the same CSP and
// sandbox as a message's own body.
func (s *Server) showAttachedBody(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	_, part, err := partPathParam(c)
	if err != nil {
		return err
	}
	return s.serveBody(c, app.BodyInput{Mailbox: mailbox, UID: uid, Part: part})
}

// serveBody answers with the body document in asks for.
func (s *Server) serveBody(c echo.Context, in app.BodyInput) error {
	in.AllowRemote = remoteImagesAsked(c)
	safe, err := s.App.MessageBody(c.Request().Context(), currentSession(c), in)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", s.bodyPolicy(c, in.AllowRemote, "'self'"))
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Referrer-Policy", "no-referrer")
	var page strings.Builder
	page.Grow(len(safe) + 512)
	page.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><base target="_blank">`)
	page.WriteString(`<style>body{margin:8px;font:15px/1.45 system-ui,sans-serif;color:#1b1f24;background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style></head><body>`)
	page.WriteString(safe)
	page.WriteString(`</body></html>`)
	return c.HTML(http.StatusOK, page.String())
}
