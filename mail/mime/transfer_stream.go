package mime

import (
	"bytes"
	"fmt"
	"io"
)

// streamDecoder undoes a Content-Transfer-Encoding as the bytes arrive,
// with the same result as decodeTransfer on the whole body: a streamed
// download must be byte for byte what PartContent returns.
type streamDecoder interface {
	// decode appends what src decodes to so far to dst.
	decode(dst, src []byte) ([]byte, error)
	// finish appends what is left once the body has ended.
	finish(dst []byte) []byte
}

// newStreamDecoder returns the decoder for a declared encoding (see
// entity.declaredEncoding). base64 is decided on the body's first line,
// as transferEncoding does.
func newStreamDecoder(encoding string) streamDecoder {
	switch encoding {
	case "base64":
		return &base64Gate{}
	case "quoted-printable":
		return &qpStream{}
	}
	return identityStream{}
}

// CopyDecoded copies the body in r to w through the decoder for encoding,
// in bounded memory. It returns the decoded bytes written.
func CopyDecoded(w io.Writer, r io.Reader, encoding string) (int64, error) {
	dec := newStreamDecoder(encoding)
	in := make([]byte, 32<<10)
	var out []byte
	var written int64
	write := func() error {
		if len(out) == 0 {
			return nil
		}
		n, err := w.Write(out)
		written += int64(n)
		return err
	}
	for {
		n, readErr := r.Read(in)
		if n > 0 {
			var err error
			if out, err = dec.decode(out[:0], in[:n]); err != nil {
				return written, err
			}
			if err := write(); err != nil {
				return written, err
			}
		}
		if readErr == io.EOF {
			break
		}
		if readErr != nil {
			return written, readErr
		}
	}
	out = dec.finish(out[:0])
	return written, write()
}

// identityStream passes 7bit, 8bit, binary and unknown encodings through.
type identityStream struct{}

func (identityStream) decode(dst, src []byte) ([]byte, error) { return append(dst, src...), nil }
func (identityStream) finish(dst []byte) []byte               { return dst }

// maxUndecidedBase64 bounds what base64Gate holds back while the first
// line of a body has not ended: base64 is wrapped at 76 characters, and a
// body whose first line is longer than this is left to PartContent.
const maxUndecidedBase64 = 1 << 20

// base64Gate decodes a body labelled base64 the way transferEncoding and
// decodeTransfer do: as base64 when its first non-empty line looks like
// base64, as the text it is otherwise. It holds the body back until that
// line has ended.
type base64Gate struct {
	held     []byte // the body so far, while undecided
	scanned  int    // where the line being received starts in held
	searched int    // held[scanned:searched] has no line break
	inner    streamDecoder
}

func (g *base64Gate) decode(dst, src []byte) ([]byte, error) {
	if g.inner != nil {
		return g.inner.decode(dst, src)
	}
	g.held = append(g.held, src...)
	for {
		if bytes.IndexAny(g.held[g.searched:], "\r\n") < 0 {
			g.searched = len(g.held) // the line has not ended yet
			break
		}
		line, next := nextLine(g.held, g.scanned)
		if len(bytes.TrimSpace(line)) > 0 {
			return g.decide(dst), nil
		}
		g.scanned, g.searched = next, next
	}
	if len(g.held) > maxUndecidedBase64 {
		return dst, fmt.Errorf("mime: base64 body with a first line over %d bytes: %w", maxUndecidedBase64, ErrNotStreamable)
	}
	return dst, nil
}

// decide picks the decoder from what is held and feeds it what is held.
func (g *base64Gate) decide(dst []byte) []byte {
	if plausibleBase64(g.held) {
		g.inner = &base64Stream{}
	} else {
		g.inner = identityStream{}
	}
	held := g.held
	g.held = nil
	dst, _ = g.inner.decode(dst, held) // neither decoder fails
	return dst
}

func (g *base64Gate) finish(dst []byte) []byte {
	if g.inner == nil {
		dst = g.decide(dst)
	}
	return g.inner.finish(dst)
}

// base64Stream is walkBase64 across chunks.
type base64Stream struct{ st base64State }

func (s *base64Stream) decode(dst, src []byte) ([]byte, error) {
	for _, c := range src {
		if b, ok := s.st.next(c); ok {
			dst = append(dst, b)
		}
	}
	return dst, nil
}

func (s *base64Stream) finish(dst []byte) []byte { return dst }

// Bounds on the one line qpStream holds: past qpFlushAt it decodes what
// the rest of the line cannot change; what it cannot decode yet (a run of
// white space that may turn out to be trailing) may grow to
// maxQPUndecided.
const (
	qpFlushAt      = 64 << 10
	maxQPUndecided = 1 << 20
)

// qpStream is decodeQuotedPrintable across chunks: it collects a line
// until its break and decodes it with appendQPLine. A line break is CRLF,
// LF or a lone CR, as nextLine has it.
type qpStream struct {
	line      []byte // the line being received, not yet decoded
	afterCR   bool   // the last byte was a CR, so a LF now ends nothing
	nextFlush int    // the length of line at which to try flushSettled
}

func (q *qpStream) decode(dst, src []byte) ([]byte, error) {
	for len(src) > 0 {
		if q.afterCR {
			q.afterCR = false
			if src[0] == '\n' {
				src = src[1:]
				continue
			}
		}
		i := bytes.IndexAny(src, "\r\n")
		if i < 0 {
			q.line = append(q.line, src...)
			break
		}
		q.line = append(q.line, src[:i]...)
		dst = appendQPLine(dst, q.line, true)
		q.line, q.nextFlush = q.line[:0], 0
		q.afterCR = src[i] == '\r'
		src = src[i+1:]
	}
	if len(q.line) > max(qpFlushAt, q.nextFlush) {
		dst = q.flushSettled(dst)
		// What is left is white space or an escape: wait for as much
		// again before looking, so a long run costs linear time.
		q.nextFlush = len(q.line) + qpFlushAt
		if len(q.line) > maxQPUndecided {
			return dst, fmt.Errorf("mime: quoted-printable line with over %d bytes of white space", maxQPUndecided)
		}
	}
	return dst, nil
}

// flushSettled decodes the start of an unfinished long line that the rest
// of the line cannot change: up to the last character that is neither
// white space (trailing white space is dropped) nor an "=" or one of the
// two characters after it (a soft break or an escape).
func (q *qpStream) flushSettled(dst []byte) []byte {
	cut := len(q.line)
	for {
		prev := cut
		for cut > 0 && (q.line[cut-1] == ' ' || q.line[cut-1] == '\t') {
			cut--
		}
		if i := bytes.LastIndexByte(q.line[max(0, cut-2):cut], '='); i >= 0 {
			cut = max(0, cut-2) + i
		}
		if cut == prev {
			break
		}
	}
	dst = appendQPEscapes(dst, q.line[:cut])
	q.line = append(q.line[:0], q.line[cut:]...)
	return dst
}

func (q *qpStream) finish(dst []byte) []byte {
	return appendQPLine(dst, q.line, false)
}
