package handlers

import (
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Headers of downloads (messages and their parts): a download is always an
// attachment with nosniff and a sandboxing CSP, served as one of a few
// inert types or as opaque bytes, so hostile content can never render or
// run as a page or script of ours; an image preview is the one thing shown
// inline.

// rasterContent returns the type to serve an image preview as: the
// declared type must be a raster image and the bytes must be one too, as
// the browser itself would sniff them. A part that says image/png but is
// HTML or SVG gets "" and is downloaded instead.
func rasterContent(declared string, data []byte) string {
	if !rasterType(declared) {
		return ""
	}
	sniffed := http.DetectContentType(data)
	if !rasterType(sniffed) {
		return ""
	}
	return sniffed
}

// rasterType reports the image types a browser decodes as pixels and
// nothing else. SVG is not one: it is a document that can hold scripts.
func rasterType(contentType string) bool {
	switch strings.ToLower(contentType) {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// setInlineImageHeaders lets an image preview show inline, and nothing
// else: the policy runs nothing and sandboxes the response should it ever
// be opened as a document.
func setInlineImageHeaders(c echo.Context) {
	h := c.Response().Header()
	h.Set("Content-Disposition", "inline")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
}

// downloadType is the Content-Type a downloaded part is served with. Only
// inert types are served as themselves: raster images, PDF, attached
// messages, and plain text (as UTF-8, whatever the sender declared). Everything else, HTML,
// SVG, JavaScript, XML and whatever a sender invents, is opaque bytes: a
// mailed script served same-origin as application/javascript would be a
// way around script-src 'self' the day any injection is found.
func downloadType(ct string) string {
	mediaType, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "application/octet-stream"
	}
	switch mediaType = strings.ToLower(mediaType); mediaType {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp", "application/pdf":
		return mediaType
	case "message/rfc822":
		// An attached message: no browser runs or renders it (it is
		// saved), and the type tells the mail program it opens in what
		// it is. Our parser checked it is a message.
		return mediaType
	case "text/plain":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// setAttachmentHeaders marks the response as a download with a safe
// filename, in both the ASCII fallback and RFC 5987 forms.
func setAttachmentHeaders(c echo.Context, filename string) {
	h := c.Response().Header()
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": filename})
	if disposition == "" {
		disposition = "attachment" // a download even if the name could not be encoded
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
}
