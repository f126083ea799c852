package handlers

import (
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
)

// partRequest is what a part download asks for.
type partRequest struct {
	path   string   // the part path as in the URL, "2:1.3"
	ids    []string // its elements
	inline bool     // ?inline=1: a preview, if the part is a raster image
}

// streamPart streams the part from IMAP to the response. Until the
// response has begun (see partResponse) a failure is an ordinary error:
// withIMAP may retry it on a fresh connection, or an error page follows.
// After that a failure can only cut the download short: it is logged and
// nil returned, since neither a retry nor an error page can follow bytes
// already sent. The browser sees a download that ends without its final
// chunk, a failed one.
func (s *Server) streamPart(c echo.Context, client *mail.Client, mailbox string, uid uint32, req partRequest) error {
	var resp *partResponse
	_, err := client.StreamPart(c.Request().Context(), mailbox, uid, req.ids, func(part mime.Part) io.Writer {
		resp = newPartResponse(c, part, req)
		return resp
	})
	if err == nil {
		err = resp.finish()
	}
	if err != nil && resp != nil && resp.started {
		s.Logger.Warn("part download cut short", "request_id", reqID(c), "err", err)
		return nil
	}
	return err
}

// sniffLen is how much of a part http.DetectContentType looks at.
const sniffLen = 512

// partResponse writes a part to the response. It holds back the first
// sniffLen bytes, because whether ?inline=1 may show the part inline
// depends on what they are; then it writes the headers and everything
// after them as it comes.
type partResponse struct {
	c       echo.Context
	part    mime.Part
	req     partRequest
	head    []byte // held back until the headers are written
	started bool   // the headers are written
}

func newPartResponse(c echo.Context, part mime.Part, req partRequest) *partResponse {
	return &partResponse{c: c, part: part, req: req}
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
		fallback := fallbackFilename(mime.Part{ID: strings.ReplaceAll(r.req.path, ":", "-"), ContentType: r.part.ContentType})
		setAttachmentHeaders(r.c, mime.SafeFilename(r.part.Filename, fallback))
		contentType = downloadType(r.part.ContentType)
	}
	h.Set(echo.HeaderContentType, contentType)
	r.c.Response().WriteHeader(http.StatusOK)
	head := r.head
	r.head = nil
	_, err := r.c.Response().Write(head)
	return err
}
