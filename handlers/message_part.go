package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// downloadPart sends one part of a message, or of a message attached to
// it, as a download at /mail/{mailbox}/{uid}/part/{path}. It is always an
// attachment with nosniff; the one exception is ?inline=1 on a part whose
// bytes are a PNG, JPEG, GIF or WebP image, for the thumbnails of the
// message page. Large parts stream (see app.DownloadPart).
func (s *Server) downloadPart(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	path, ids, err := partPathParam(c)
	if err != nil {
		return err
	}
	req := partRequest{path: path, inline: c.QueryParam("inline") == "1"}
	var resp *partResponse
	err = s.App.DownloadPart(c.Request().Context(), currentSession(c), app.PartInput{Mailbox: mailbox, UID: uid, Part: ids},
		func(part app.MessagePart) app.PartWriter {
			resp = &partResponse{c: c, part: part, req: req}
			return resp
		})
	if err != nil || resp == nil {
		return err
	}
	return resp.finish()
}

// partRequest is what a part download asks for.
type partRequest struct {
	path   string // the part path as in the URL, "2:1.3"
	inline bool   // ?inline=1: a preview, if the part is a raster image
}

// sniffLen is how much of a part http.DetectContentType looks at.
const sniffLen = 512

// partResponse writes a part to the response. It holds back the first
// sniffLen bytes, because whether ?inline=1 may show the part inline
// depends on what they are; then it writes the headers and everything
// after them as it comes.
type partResponse struct {
	c       echo.Context
	part    app.MessagePart
	req     partRequest
	head    []byte // held back until the headers are written
	started bool   // the headers are written
}

func (r *partResponse) Write(p []byte) (int, error) {
	if r.started {
		return r.c.Response().Write(p)
	}
	r.head = append(r.head, p...)
	if len(r.head) < sniffLen {
		return len(p), nil
	}
	if err := r.start(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Started reports whether the headers are written: from then on a failure
// can only cut the download short.
func (r *partResponse) Started() bool { return r.started }

// finish writes the headers if the part was too short to get there, and
// what is still held back.
func (r *partResponse) finish() error {
	if r.started {
		return nil
	}
	return r.start()
}

// start decides the headers from the part and its first bytes, writes
// them and the bytes held back.
func (r *partResponse) start() error {
	r.started = true
	h := r.c.Response().Header()
	contentType := ""
	if r.req.inline {
		if contentType = rasterContent(r.part.ContentType, r.head); contentType != "" {
			setInlineImageHeaders(r.c)
		}
	}
	if contentType == "" {
		fallback := app.FallbackFilename(app.MessagePart{ID: strings.ReplaceAll(r.req.path, ":", "-"), ContentType: r.part.ContentType})
		setAttachmentHeaders(r.c, app.SafeFilename(r.part.Filename, fallback))
		contentType = downloadType(r.part.ContentType)
	}
	h.Set(echo.HeaderContentType, contentType)
	r.c.Response().WriteHeader(http.StatusOK)
	head := r.head
	r.head = nil
	_, err := r.c.Response().Write(head)
	return err
}
