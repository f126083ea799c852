package handlers

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/templates/pages"
)

// downloadMessage sends the whole message as an .eml file, streamed from
// IMAP as it arrives: no size limit applies, so it works for the messages
// too large to open here (the error page for those points to it).
func (s *Server) downloadMessage(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	started := false
	err = s.withIMAP(c, func(client *mail.Client) error {
		_, err := client.StreamRaw(c.Request().Context(), mailbox, uid, func(size int64) io.Writer {
			if !started {
				started = true
				setAttachmentHeaders(c, fmt.Sprintf("message-%d.eml", uid))
				h := c.Response().Header()
				h.Set(echo.HeaderContentType, "message/rfc822")
				h.Set(echo.HeaderContentLength, strconv.FormatInt(size, 10))
				c.Response().WriteHeader(http.StatusOK)
			}
			return c.Response()
		})
		if err != nil && started {
			// The download has begun: no error page can follow, and a
			// retry would append a second copy. The browser sees a
			// download shorter than its Content-Length, a failed one.
			s.Logger.Warn("message download cut short", "request_id", reqID(c), "err", err)
			return nil
		}
		return err
	})
	return err
}

// downloadPart sends one part of a message, or of a message attached to
// it (see parsePartPath), as a download. It is always an attachment with
// nosniff, so a hostile part can never render as a page of ours; the one
// exception is ?inline=1 on a part whose bytes are a PNG, JPEG, GIF or
// WebP image, for the thumbnails of the message page.
func (s *Server) downloadPart(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	path, ids, err := partPathParam(c)
	if err != nil {
		return err
	}
	raw, err := s.fetchRaw(c, mailbox, uid)
	if err != nil {
		return err
	}
	part, data, err := resolvePart(raw, ids)
	if err != nil {
		return mailError(err)
	}
	if c.QueryParam("inline") == "1" {
		if imageType := rasterContent(part.ContentType, data); imageType != "" {
			setInlineImageHeaders(c)
			return c.Blob(http.StatusOK, imageType, data)
		}
	}
	name := mail.SafeFilename(part.Filename, fallbackFilename(mail.Part{ID: strings.ReplaceAll(path, ":", "-"), ContentType: part.ContentType}))
	setAttachmentHeaders(c, name)
	return c.Blob(http.StatusOK, downloadType(part.ContentType), data)
}

// rasterContent returns the type to serve an image preview as: the
// declared type must be a raster image and the bytes must be one too, as
// the browser itself would sniff them. A part that says image/png but is
// HTML or SVG gets "" and is downloaded instead.
func rasterContent(declared string, data []byte) string {
	if !rasterImage(declared) {
		return ""
	}
	sniffed := http.DetectContentType(data)
	if !rasterImage(sniffed) {
		return ""
	}
	return sniffed
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

// downloadType keeps a part's declared type only when it is well-formed;
// anything else is sent as opaque bytes.
func downloadType(ct string) string {
	mediaType, _, err := mime.ParseMediaType(ct)
	if err != nil || !strings.Contains(mediaType, "/") {
		return "application/octet-stream"
	}
	return mediaType
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

// Bounds on image previews: bigger images are listed without a thumbnail.
const maxPreviewBytes = 15 << 20

// attachmentItems lists the parts a user can download, with thumbnails for
// raster images and a view link for attached messages. Inline images the
// HTML body shows are left out; inline parts it does not show are listed,
// or they would be visible nowhere.
func attachmentItems(msg *mail.Message, links messageLinks) []pages.Attachment {
	var out []pages.Attachment
	depth := strings.Count(links.prefix, ":")
	for _, p := range msg.Parts {
		if p.ContentID != "" && msg.HTML != "" && rasterImage(p.ContentType) && p.Size <= maxInlineImages && htmlRefersTo(msg.HTML, p.ContentID) {
			continue // shown inside the HTML body
		}
		id := links.prefix + p.ID
		url := links.partBase + id
		item := pages.Attachment{
			Name:        mail.SafeFilename(p.Filename, fallbackFilename(p)),
			ContentType: p.ContentType,
			Size:        formatSize(p.Size),
			URL:         url,
		}
		if rasterImage(p.ContentType) && p.Size > 0 && p.Size <= maxPreviewBytes {
			item.PreviewURL = url + "?inline=1"
		}
		if attachedMessage(p.ContentType) && depth+1 < maxPartDepth {
			item.ViewURL = url + "/view"
		}
		out = append(out, item)
	}
	return out
}

// fallbackFilename names a part that has no file name of its own.
func fallbackFilename(p mail.Part) string {
	if attachedMessage(p.ContentType) {
		return "attached-message-" + p.ID + ".eml"
	}
	return "part-" + p.ID
}

// rasterImage reports the image types a browser decodes as pixels and
// nothing else. SVG is not one: it is a document that can hold scripts.
func rasterImage(contentType string) bool {
	switch strings.ToLower(contentType) {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// attachedMessage reports the types of a whole message attached to
// another.
func attachedMessage(contentType string) bool {
	switch strings.ToLower(contentType) {
	case "message/rfc822", "message/global":
		return true
	}
	return false
}
