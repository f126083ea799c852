package app

import (
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/webmail/webmail/mail/htmlsafe"
	"github.com/webmail/webmail/mail/mime"
)

// MaxInlineImages bounds the bytes of cid: images embedded into one HTML
// body, so a hostile message cannot make us build a huge page.
const MaxInlineImages = 10 << 20

// sanitizedBody is a message's HTML body made safe for one display
// choice. It is shared through the cache: never change one.
type sanitizedBody struct {
	html    string
	blocked bool // remote content was left out
}

// body returns the HTML body of parsed, whose parse is cached under
// parseKey, sanitized with remote content kept or not: from the cache, or
// built and cached. The message page builds it to learn whether remote
// content was blocked; the body document its iframe loads next finds it
// here.
func (a *App) body(parseKey cacheKey, parsed *parsedMessage, allowRemote bool) *sanitizedBody {
	key := parseKey
	key.kind = cachedBody
	if allowRemote {
		key.kind = cachedBodyRemote
	}
	if cached, ok := a.messages.get(key); ok {
		return cached.(*sanitizedBody)
	}
	html, blocked := sanitizeBody(parsed, htmlsafe.Options{AllowRemote: allowRemote, RemoteURL: a.proxiedImageURL})
	body := &sanitizedBody{html: html, blocked: blocked}
	a.messages.add(key, body, int64(len(html))+256)
	return body
}

// sanitizeBody sanitizes the HTML body of parsed with opts, its cid:
// images embedded.
func sanitizeBody(parsed *parsedMessage, opts htmlsafe.Options) (string, bool) {
	msg := parsed.msg
	if msg.HTML == "" {
		return "", false
	}
	images := inlineImages(parsed.raw, msg)
	opts.CIDURL = func(cid string) string { return images[cid] }
	return htmlsafe.Sanitize(msg.HTML, opts)
}

// inlineImages maps the Content-IDs of the message's raster image parts
// that the HTML refers to, to data: URLs. A sandboxed iframe has an opaque
// origin, so the browser would not send our session cookie with a request
// for /part/...; embedding the bytes avoids that and needs no second trip
// to IMAP.
func inlineImages(raw []byte, msg *mime.Message) map[string]string {
	images := map[string]string{}
	budget := MaxInlineImages
	for _, p := range msg.Parts {
		if !shownInBody(msg, p) {
			continue
		}
		if p.Size > int64(budget) {
			continue
		}
		_, data, err := mime.PartContent(raw, p.ID)
		// Empty: an image a structured fetch left out (over the budget).
		if err != nil || len(data) == 0 || len(data) > budget {
			continue
		}
		budget -= len(data)
		images[p.ContentID] = "data:" + strings.ToLower(p.ContentType) + ";base64," + base64.StdEncoding.EncodeToString(data)
	}
	return images
}

// shownInBody reports a part the HTML body may embed: a raster image with
// a Content-ID the HTML refers to.
func shownInBody(msg *mime.Message, p mime.Part) bool {
	return p.ContentID != "" && msg.HTML != "" && rasterImage(p.ContentType) && htmlRefersTo(msg.HTML, p.ContentID)
}

// htmlRefersTo reports whether html mentions the Content-ID cid, as it is
// or URL-escaped ("cid:a%40b" for <a@b>). It is a cheap filter: an image
// it lets through that the HTML does not use costs only its embedding.
func htmlRefersTo(html, cid string) bool {
	return strings.Contains(html, cid) || strings.Contains(html, url.PathEscape(cid)) || strings.Contains(html, url.QueryEscape(cid))
}
