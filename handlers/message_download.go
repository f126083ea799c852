package handlers

import (
	"errors"
	"fmt"
	"io"
	stdmime "mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
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

// streamPartsAbove is the message size from which part downloads stream
// from IMAP instead of cutting the part from the whole message.
const streamPartsAbove = 2 << 20

// downloadPart sends one part of a message, or of a message attached to
// it (see parsePartPath), as a download. It is always an attachment with
// nosniff, so a hostile part can never render as a page of ours; the one
// exception is ?inline=1 on a part whose bytes are a PNG, JPEG, GIF or
// WebP image, for the thumbnails of the message page.
//
// Parts of messages over streamPartsAbove are streamed from IMAP as they
// are decoded (see streamPart), so a part of any size downloads without
// the message being held in memory. Smaller messages, and those where the
// server may see the structure differently from our parser (malformed
// mail) or the part is an attached message, are fetched whole, bounded by
// MaxMessageBytes, and the part cut from it.
func (s *Server) downloadPart(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	path, ids, err := partPathParam(c)
	if err != nil {
		return err
	}
	inline := c.QueryParam("inline") == "1"
	var raw []byte
	err = s.withIMAP(c, func(client *mail.Client) error {
		ctx := c.Request().Context()
		// A message up to streamPartsAbove is fetched whole and its part
		// cut out by the same parser that listed it: exact, even where
		// the IMAP server splits malformed MIME differently. Larger ones
		// stream the part alone, never holding it in memory.
		var err error
		raw, err = client.FetchRaw(ctx, mailbox, uid, streamPartsAbove)
		if !errors.Is(err, mail.ErrTooLarge) {
			return err
		}
		raw = nil
		err = s.streamPart(c, client, mailbox, uid, partRequest{path: path, ids: ids, inline: inline})
		if errors.Is(err, mail.ErrNotStreamable) {
			s.Logger.Debug("part not streamed; fetching the whole message", "request_id", reqID(c), "err", err)
			raw, err = client.FetchRaw(ctx, mailbox, uid, s.MaxMessageBytes)
		}
		return err
	})
	if err != nil || raw == nil {
		return err
	}
	return sendPartOf(c, raw, partRequest{path: path, ids: ids, inline: inline})
}

// sendPartOf sends the part of a whole message the request names, with
// the same headers as a streamed one.
func sendPartOf(c echo.Context, raw []byte, req partRequest) error {
	part, data, err := resolvePart(raw, req.ids)
	if err != nil {
		return mailError(err)
	}
	resp := newPartResponse(c, part, req)
	if _, err := resp.Write(data); err != nil {
		return err
	}
	return resp.finish()
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
	mediaType, _, err := stdmime.ParseMediaType(ct)
	if err != nil || !strings.Contains(mediaType, "/") {
		return "application/octet-stream"
	}
	return mediaType
}

// setAttachmentHeaders marks the response as a download with a safe
// filename, in both the ASCII fallback and RFC 5987 forms.
func setAttachmentHeaders(c echo.Context, filename string) {
	h := c.Response().Header()
	disposition := stdmime.FormatMediaType("attachment", map[string]string{"filename": filename})
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
func attachmentItems(msg *mime.Message, links messageLinks) []pages.Attachment {
	var out []pages.Attachment
	depth := strings.Count(links.prefix, ":")
	for _, p := range msg.Parts {
		if p.ContentID != "" && msg.HTML != "" && rasterImage(p.ContentType) && p.Size <= maxInlineImages && htmlRefersTo(msg.HTML, p.ContentID) {
			continue // shown inside the HTML body
		}
		id := links.prefix + p.ID
		url := links.partBase + id
		item := pages.Attachment{
			Name:        mime.SafeFilename(p.Filename, fallbackFilename(p)),
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
func fallbackFilename(p mime.Part) string {
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
