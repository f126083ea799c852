package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// activeEML attaches what a browser would run or render as a document:
// a script, an HTML page, an SVG image with a script, an XHTML page, and
// a GIF whose sender declares it text/html.
var activeEML = "From: Sender <sender@example.org>\r\nTo: reader@example.test\r\nSubject: Active\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
	"--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n" +
	"--b\r\nContent-Type: application/javascript; name=\"app.js\"\r\n\r\nalert(document.cookie)\r\n" +
	"--b\r\nContent-Type: text/html; charset=utf-8; name=\"page.html\"\r\n\r\n<script>alert(1)</script>\r\n" +
	"--b\r\nContent-Type: image/svg+xml; name=\"logo.svg\"\r\n\r\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>\r\n" +
	"--b\r\nContent-Type: application/xhtml+xml; name=\"page.xhtml\"\r\n\r\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></html>\r\n" +
	"--b\r\nContent-Type: TEXT/PLAIN; charset=utf-7; name=\"notes.txt\"\r\n\r\n+ADw-script+AD4-\r\n" +
	"--b\r\nContent-Type: image/avif; name=\"photo.avif\"\r\n\r\nAVIF\r\n" +
	"--b--\r\n"

// TestDownloadsServeOnlyInertTypes: a mailed .js, .html, .svg or .xhtml
// is served as opaque bytes, never as the type its sender declared, and
// every part response carries the sandbox CSP and nosniff, ?inline=1
// included; plain text is served as UTF-8 text whatever charset the sender
// declared, raster images and PDF as themselves.
func TestDownloadsServeOnlyInertTypes(t *testing.T) {
	f := newMsgFixture(t)
	uid := f.appendMessages(t, "INBOX", []byte(activeEML))[0]
	base := fmt.Sprintf("/mail/INBOX/%d/part/", uid)
	for _, tc := range []struct{ part, contentType, filename string }{
		{"2", "application/octet-stream", "app.js"},
		{"3", "application/octet-stream", "page.html"},
		{"4", "application/octet-stream", "logo.svg"},
		{"4?inline=1", "application/octet-stream", "logo.svg"},
		{"5", "application/octet-stream", "page.xhtml"},
		{"6", "text/plain; charset=utf-8", "notes.txt"},
		{"7", "image/avif", "photo.avif"},
	} {
		resp, _ := f.fetch(t, base+tc.part)
		h := resp.Header
		if resp.StatusCode != http.StatusOK || h.Get("Content-Type") != tc.contentType {
			t.Errorf("part %s: %d, Content-Type %q, want %q", tc.part, resp.StatusCode, h.Get("Content-Type"), tc.contentType)
		}
		if want := "attachment; filename=" + tc.filename; h.Get("Content-Disposition") != want {
			t.Errorf("part %s: Content-Disposition %q, want %q", tc.part, h.Get("Content-Disposition"), want)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("part %s: nosniff %q, CSP %q", tc.part, h.Get("X-Content-Type-Options"), h.Get("Content-Security-Policy"))
		}
	}
}
