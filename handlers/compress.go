package handlers

import (
	"github.com/klauspost/compress/gzip"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// Compression of pages. Gzip at its fastest level: an 83 KB list page
// shrinks about 6x, where the default level would cost three times the CPU
// for a few percent more. The encoder is klauspost/compress's, a drop-in
// for the standard library's with the same output format: on the list
// page it takes 0.11 ms against the standard library's 0.21 ms at the
// same level, for the same size (13.3 KB against 13.4 KB). zstd at its
// fastest level was slower (0.15 ms) for 11.3 KB, and not every browser
// accepts it. Bodies under a packet's worth go out as they are
// (compressing them saves nothing on the wire).
const (
	pageGzipLevel     = gzip.BestSpeed
	pageGzipMinLength = 1400
)

// compressPages gzips the HTML pages and documents a browser asks for,
// when it accepts gzip.
//
// Only for requests the browser marks as our own (Sec-Fetch-Site
// same-origin, or none for a typed URL or a bookmark). A page holds the
// session's CSRF token beside text an attacker can choose (a search, a
// subject), and compression turns the response's length into an oracle
// for the token (BREACH) if the attacker can make the victim's browser
// send many requests and watch their sizes: those requests are cross-site,
// and go out uncompressed. A browser that sends no Sec-Fetch-Site gets no
// compression either.
//
// Assets are compressed once (gzipAssets), downloads and the event stream
// never: they are binary, already compressed, or must not be buffered.
func compressPages() echo.MiddlewareFunc {
	writers := sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(io.Discard, pageGzipLevel)
		return zw
	}}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if !compressiblePage(r) {
				return next(c)
			}
			res := c.Response()
			res.Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
			if !acceptsGzip(r) {
				return next(c)
			}
			zw := writers.Get().(*gzip.Writer)
			gw := &gzipPageWriter{ResponseWriter: res.Writer, zw: zw, code: http.StatusOK}
			res.Writer = gw
			defer func() {
				gw.finish()
				res.Writer = gw.ResponseWriter
				zw.Reset(io.Discard)
				writers.Put(zw)
			}()
			return next(c)
		}
	}
}

// gzipPageWriter holds the start of a response until it knows whether to
// compress it: a text type, no encoding of its own, and at least
// pageGzipMinLength bytes (or a Flush: a streamed page is compressed
// from its first flush on).
type gzipPageWriter struct {
	http.ResponseWriter
	zw          *gzip.Writer
	held        []byte
	code        int
	wroteHeader bool // WriteHeader was called
	decided     bool // the header went out, compressed or not
	compressing bool
}

func (w *gzipPageWriter) WriteHeader(code int) {
	if w.decided {
		return
	}
	w.code, w.wroteHeader = code, true
	if code < 200 || code == http.StatusNoContent || code == http.StatusNotModified {
		w.decide(false)
	}
}

func (w *gzipPageWriter) Write(b []byte) (int, error) {
	if w.decided {
		if w.compressing {
			return w.zw.Write(b)
		}
		return w.ResponseWriter.Write(b)
	}
	w.held = append(w.held, b...)
	if len(w.held) >= pageGzipMinLength {
		if err := w.release(true); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// Flush sends what is held (compressed when the type allows) and pushes
// it to the client: templ pages flush as they render.
func (w *gzipPageWriter) Flush() {
	if !w.decided {
		w.release(true)
	}
	if w.compressing {
		w.zw.Flush()
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *gzipPageWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// release decides, sends the header and what was held.
func (w *gzipPageWriter) release(wantGzip bool) error {
	w.decide(wantGzip)
	held := w.held
	w.held = nil
	if len(held) == 0 {
		return nil
	}
	var err error
	if w.compressing {
		_, err = w.zw.Write(held)
	} else {
		_, err = w.ResponseWriter.Write(held)
	}
	return err
}

func (w *gzipPageWriter) decide(wantGzip bool) {
	w.decided = true
	h := w.Header()
	w.compressing = wantGzip && h.Get("Content-Encoding") == "" && compressibleType(h.Get("Content-Type"))
	if w.compressing {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		w.zw.Reset(w.ResponseWriter)
	}
	w.ResponseWriter.WriteHeader(w.code)
}

// finish ends the response: a short one goes out as it is, a compressed
// one gets its gzip trailer.
func (w *gzipPageWriter) finish() {
	switch {
	case !w.decided && (w.wroteHeader || len(w.held) > 0):
		w.release(false)
	case w.compressing:
		w.zw.Close()
	}
}

// compressiblePage says whether the answer to r is a page worth gzipping
// and safe to (see compressPages).
func compressiblePage(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
	default:
		return false
	}
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/static/"), p == "/events", p == "/healthz", p == "/readyz":
		return false
	case strings.HasSuffix(p, "/raw"):
		return false // the message as a .eml download
	}
	// /mail/<mailbox>/<uid>/part/<id> is a download; .../view and
	// .../body of an attached message are pages.
	segments := strings.Split(strings.Trim(p, "/"), "/")
	if n := len(segments); n >= 2 && segments[n-2] == "part" {
		return false
	}
	return true
}
