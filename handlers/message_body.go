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
// our image proxy, path and all: no other URL of ours, no other origin
// ever), and is itself sandboxed even if someone opens its URL outside our
// iframe. frameAncestors is 'self' for the body our page frames: its
// sandbox keeps the document same-origin (allow-same-origin, never with
// allow-scripts: the two together would let a script lift the sandbox) so
// the message page can measure it and size its frame to the content;
// nothing in it can run, post a form or navigate our page. A page that is
// never framed ('none': the print view) keeps an opaque origin: nobody
// needs to measure it.
func (s *Server) bodyPolicy(c echo.Context, allowRemote bool, frameAncestors string) string {
	img := "img-src data:"
	if allowRemote {
		// The proxy's path spelled out: the document is same-origin, and
		// 'self' would let an image URL reach any page of ours with the
		// reader's cookies.
		if origin := s.ownOrigin(c); !strings.ContainsAny(origin, " ;,'\"") {
			img += " " + origin + app.ImageProxyPath
		}
	}
	sandbox := "sandbox allow-popups allow-popups-to-escape-sandbox"
	if frameAncestors == "'self'" {
		sandbox = "sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox"
	}
	return "default-src 'none'; style-src 'unsafe-inline'; " + img + "; font-src 'none'; " +
		"form-action 'none'; base-uri 'none'; frame-ancestors " + frameAncestors + "; " + sandbox
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
	body, err := s.App.MessageBody(c.Request().Context(), currentSession(c), in)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", s.bodyPolicy(c, in.AllowRemote, "'self'"))
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Referrer-Policy", "no-referrer")
	var page strings.Builder
	page.Grow(len(body.HTML) + 1024)
	// class="original": the reader asked for the message's own colours
	// (without JavaScript: the page's switch reloads with ?original=1).
	if c.QueryParam("original") == "1" {
		page.WriteString(`<!DOCTYPE html><html class="original">`)
	} else {
		page.WriteString(`<!DOCTYPE html><html>`)
	}
	page.WriteString(`<head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><base target="_blank">`)
	page.WriteString(bodyDocumentStyle)
	page.WriteString(`</head><body>`)
	if body.Text {
		if c.QueryParam("font") == "mono" {
			page.WriteString(`<div class="text mono">`)
		} else {
			page.WriteString(`<div class="text">`)
		}
		page.WriteString(body.HTML)
		page.WriteString(`</div>`)
	} else {
		page.WriteString(body.HTML)
	}
	page.WriteString(`</body></html>`)
	return c.HTML(http.StatusOK, page.String())
}

// bodyDocumentStyle is the body document's own style. The message keeps
// light colours of its own; in dark mode the page inverts the whole frame
// (filter on the iframe, which also tells this document
// prefers-color-scheme: dark through the frame's color-scheme), so
// pictures are inverted back here and look as sent. A text body (a
// conversation's message without HTML) gets the page's text styles.
const bodyDocumentStyle = `<style>` +
	`:root{color-scheme:light}` +
	`body{margin:8px;font:15px/1.45 system-ui,sans-serif;color:#1b1f24;background:#fff;overflow-wrap:anywhere}` +
	`img{max-width:100%;height:auto}` +
	`@media (prefers-color-scheme:dark){html:not(.original) :is(img,video,picture,[background],[style*="url("]){filter:invert(1) hue-rotate(180deg)}}` +
	`.text{white-space:pre-wrap}.text.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:14px}` +
	`.text .para{margin:0 0 .6em}` +
	`details.quote{margin:0 0 .6em}details.quote>summary{cursor:pointer;color:#57606a;font-size:13px}` +
	`blockquote{margin:.3em 0 0;padding:0 0 0 .8em;border-left:3px solid #8fb3d9;color:#3d4752}` +
	`</style>`
