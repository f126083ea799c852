package handlers

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
)

// maxInlineImages bounds the bytes of cid: images embedded into one HTML
// body, so a hostile message cannot make us build a huge page.
const maxInlineImages = 10 << 20

// bodyCSP is the policy of a message body document. It runs no script at
// all, loads nothing but inline styles and embedded images, and is itself
// sandboxed even if someone opens its URL outside our iframe.
const bodyCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; " +
	"form-action 'none'; base-uri 'none'; frame-ancestors 'self'; " +
	"sandbox allow-popups allow-popups-to-escape-sandbox"

// bodyCSPRemote is bodyCSP for a message whose remote images the user
// allowed.
const bodyCSPRemote = "default-src 'none'; style-src 'unsafe-inline'; img-src data: https: http:; font-src 'none'; " +
	"form-action 'none'; base-uri 'none'; frame-ancestors 'self'; " +
	"sandbox allow-popups allow-popups-to-escape-sandbox"

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
	msg, err := mail.ParseMessage(raw)
	if err != nil {
		return &UserError{Status: http.StatusUnprocessableEntity, Title: "Unreadable message", Message: "This message could not be read.", Err: err}
	}
	allowRemote := c.QueryParam("images") == "1"
	images := inlineImages(raw, msg)
	safe, _ := mail.SanitizeHTML(msg.HTML, mail.SanitizeOptions{
		AllowRemote: allowRemote,
		CIDURL:      func(cid string) string { return images[cid] },
	})
	h := c.Response().Header()
	if allowRemote {
		h.Set("Content-Security-Policy", bodyCSPRemote)
	} else {
		h.Set("Content-Security-Policy", bodyCSP)
	}
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Referrer-Policy", "no-referrer")
	var page strings.Builder
	page.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><base target="_blank">`)
	page.WriteString(`<style>body{margin:8px;font:15px/1.45 system-ui,sans-serif;color:#1b1f24;background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style></head><body>`)
	page.WriteString(safe)
	page.WriteString(`</body></html>`)
	return c.HTML(http.StatusOK, page.String())
}

// inlineImages maps the Content-IDs of the message's raster image parts to
// data: URLs. A sandboxed iframe has an opaque origin, so the browser would
// not send our session cookie with a request for /part/...; embedding the
// bytes avoids that and needs no second trip to IMAP.
func inlineImages(raw []byte, msg *mail.Message) map[string]string {
	images := map[string]string{}
	budget := maxInlineImages
	for _, p := range msg.Parts {
		if p.ContentID == "" {
			continue
		}
		ct := strings.ToLower(p.ContentType)
		switch ct {
		case "image/png", "image/jpeg", "image/gif", "image/webp":
		default:
			continue
		}
		_, data, err := mail.PartContent(raw, p.ID)
		if err != nil || len(data) > budget {
			continue
		}
		budget -= len(data)
		images[p.ContentID] = "data:" + ct + ";base64," + base64.StdEncoding.EncodeToString(data)
	}
	return images
}
