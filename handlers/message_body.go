package handlers

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail/htmlsafe"
	"github.com/webmail/webmail/mail/mime"
)

// maxInlineImages bounds the bytes of cid: images embedded into one HTML
// body, so a hostile message cannot make us build a huge page.
const maxInlineImages = 10 << 20

// bodyPolicy is the CSP of a message body document (and of the print
// view). It runs no script at all, loads nothing but inline styles and
// embedded images (and remote images when the user allowed them), and is
// itself sandboxed even if someone opens its URL outside our iframe.
// frameAncestors is 'self' for the body our page frames, 'none' for a
// page that is never framed.
func bodyPolicy(allowRemote bool, frameAncestors string) string {
	img := "img-src data:"
	if allowRemote {
		img = "img-src data: https: http:"
	}
	return "default-src 'none'; style-src 'unsafe-inline'; " + img + "; font-src 'none'; " +
		"form-action 'none'; base-uri 'none'; frame-ancestors " + frameAncestors + "; " +
		"sandbox allow-popups allow-popups-to-escape-sandbox"
}

// showMessageBody serves the sanitized HTML body of a message, to be framed
// by the message page in a sandboxed iframe.
func (s *Server) showMessageBody(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	raw, err := s.fetchRaw(c, mailbox, uid)
	if err != nil {
		return err
	}
	return s.serveBody(c, raw)
}

// serveBody parses the message raw and answers with its body document.
func (s *Server) serveBody(c echo.Context, raw []byte) error {
	msg, err := mime.ParseMessage(raw)
	if err != nil {
		return &UserError{Status: http.StatusUnprocessableEntity, Title: "Unreadable message", Message: "This message could not be read.", Err: err}
	}
	allowRemote := c.QueryParam("images") == "1"
	safe := sanitizeBody(raw, msg, allowRemote)
	h := c.Response().Header()
	h.Set("Content-Security-Policy", bodyPolicy(allowRemote, "'self'"))
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

// sanitizeBody is the message's HTML body made safe, with its cid: images
// embedded and remote content kept only when allowRemote.
func sanitizeBody(raw []byte, msg *mime.Message, allowRemote bool) string {
	return sanitizeWith(raw, msg, htmlsafe.Options{AllowRemote: allowRemote})
}

// sanitizeWith sanitizes the HTML body with opts, cid: images embedded.
func sanitizeWith(raw []byte, msg *mime.Message, opts htmlsafe.Options) string {
	if msg.HTML == "" {
		return ""
	}
	images := inlineImages(raw, msg)
	opts.CIDURL = func(cid string) string { return images[cid] }
	safe, _ := htmlsafe.Sanitize(msg.HTML, opts)
	return safe
}

// inlineImages maps the Content-IDs of the message's raster image parts
// that the HTML refers to, to data: URLs. A sandboxed iframe has an opaque
// origin, so the browser would not send our session cookie with a request
// for /part/...; embedding the bytes avoids that and needs no second trip
// to IMAP.
func inlineImages(raw []byte, msg *mime.Message) map[string]string {
	images := map[string]string{}
	budget := maxInlineImages
	for _, p := range msg.Parts {
		if p.ContentID == "" || !rasterImage(p.ContentType) || !htmlRefersTo(msg.HTML, p.ContentID) {
			continue
		}
		if p.Size > int64(budget) {
			continue
		}
		_, data, err := mime.PartContent(raw, p.ID)
		if err != nil || len(data) > budget {
			continue
		}
		budget -= len(data)
		images[p.ContentID] = "data:" + strings.ToLower(p.ContentType) + ";base64," + base64.StdEncoding.EncodeToString(data)
	}
	return images
}

// htmlRefersTo reports whether html mentions the Content-ID cid, as it is
// or URL-escaped ("cid:a%40b" for <a@b>). It is a cheap filter: an image
// it lets through that the HTML does not use costs only its embedding.
func htmlRefersTo(html, cid string) bool {
	return strings.Contains(html, cid) || strings.Contains(html, url.PathEscape(cid)) || strings.Contains(html, url.QueryEscape(cid))
}
