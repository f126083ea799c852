package handlers

import (
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Request body limits. Every request body is capped before anything reads
// it: an anonymous client must not be able to make an instance read, hold or
// spool to disk more than a form's worth of bytes. A request that announces
// a larger body (Content-Length) is refused with 413 at once, unread; one
// that does not (chunked) is cut off at the limit by http.MaxBytesReader,
// and the read error becomes the same 413.
//
// Forms get MaxFormBytes (WEBMAIL_MAX_FORM_BYTES, 1 MiB by default), which
// also keeps a multipart form in memory: Go spools multipart file parts to
// temporary files only past the memory bound, and the bound is the limit.
// Routes that take uploads opt into a larger limit in routes.go with
// bodyLimits.allow; their handlers must stream the body (uploadParts), never
// parse it whole.

// defaultMaxFormBytes is the body limit when Deps.MaxFormBytes is unset.
const defaultMaxFormBytes = 1 << 20

// Context keys of the body limit.
const (
	ctxStreamingBody = "webmail.streamingBody" // bool: the route streams a large body
	ctxUploadParts   = "webmail.uploadParts"   // *multipart.Reader after a leading csrf part
)

// bodyLimits holds the routes allowed more than the form limit, by method
// and route pattern. Routes fills it while building the routes; requests
// only read it.
type bodyLimits struct {
	form   int64
	routes map[string]int64
}

func newBodyLimits(form int64) *bodyLimits {
	if form <= 0 {
		form = defaultMaxFormBytes
	}
	return &bodyLimits{form: form, routes: map[string]int64{}}
}

// allow lets route take bodies up to limit bytes, streamed: the CSRF check
// then reads the token from the X-CSRF-Token header or a leading "csrf"
// multipart part, never by parsing the whole body. It returns the route.
func (b *bodyLimits) allow(route *echo.Route, limit int64) *echo.Route {
	b.routes[route.Method+" "+route.Path] = limit
	return route
}

// limitFor returns the body limit of the request's route and whether the
// route streams its body.
func (b *bodyLimits) limitFor(c echo.Context) (int64, bool) {
	if limit, ok := b.routes[c.Request().Method+" "+c.Path()]; ok {
		return limit, true
	}
	return b.form, false
}

// middleware caps the request body, and removes any multipart temporary
// file once the request is done, whichever copy of the request parsed it.
func (b *bodyLimits) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		defer removeMultipartFiles(req)
		defer func() { removeMultipartFiles(c.Request()) }()
		limit, streaming := b.limitFor(c)
		if req.ContentLength > limit {
			// Unread: the server closes the connection instead of
			// draining a body we refuse.
			c.Response().Header().Set("Connection", "close")
			return tooLarge(limit, fmt.Errorf("handlers: body of %d bytes over the limit of %d", req.ContentLength, limit))
		}
		if req.Body != nil && req.Body != http.NoBody {
			req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
		}
		if streaming {
			c.Set(ctxStreamingBody, true)
		}
		return next(c)
	}
}

func removeMultipartFiles(req *http.Request) {
	if req.MultipartForm != nil {
		req.MultipartForm.RemoveAll()
	}
}

// bodyError turns an error from reading the request body into what the
// user sees: 413 when the body ran over its limit.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return tooLarge(tooBig.Limit, err)
	}
	return &UserError{Status: http.StatusBadRequest, Title: "Bad request",
		Message: "The form could not be read. Please go back, reload the page and try again.", Err: err}
}

func tooLarge(limit int64, err error) error {
	return &UserError{Status: http.StatusRequestEntityTooLarge, Title: "Too large",
		Message: "That request is larger than this server accepts (%s). Please send less at once.",
		Args:    []any{formatSize(limit)}, Err: err}
}

// uploadParts returns the multipart reader of a streaming route's body,
// positioned after the csrf part when the CSRF check read the token from
// there. Handlers of routes given a large limit read the body through it,
// part by part, never with ParseMultipartForm.
func uploadParts(c echo.Context) (*multipart.Reader, error) {
	if mr, ok := c.Get(ctxUploadParts).(*multipart.Reader); ok {
		return mr, nil
	}
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return nil, bodyError(err)
	}
	return mr, nil
}
