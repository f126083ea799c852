package mime

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
)

// outPart is one entity of the message being built: a leaf with a body
// writer, or a multipart with children. Its fields are only the
// Content-* ones.
type outPart struct {
	fields fieldList
	body   func(io.Writer) error
	parts  []*outPart
}

// multipartOf makes a multipart entity with a boundary of our own: given
// one, go-message leaves the Content-Type field where it is instead of
// rewriting it to the top of the header.
func multipartOf(mediaType string, parts ...*outPart) *outPart {
	var random [24]byte
	_, _ = rand.Read(random[:])
	p := &outPart{parts: parts}
	p.fields.add("Content-Type", mediaType+`; boundary="`+hex.EncodeToString(random[:])+`"`)
	return p
}

// textLeaf is a UTF-8 text part in quoted-printable, which keeps mostly
// ASCII text readable and every line short.
func textLeaf(subtype, text string) *outPart {
	// One line-break convention in, CRLF out (the QP writer makes them).
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	p := &outPart{body: func(w io.Writer) error {
		_, err := io.WriteString(w, text)
		return err
	}}
	p.fields.add("Content-Type", "text/"+subtype+"; charset=utf-8")
	p.fields.add("Content-Transfer-Encoding", "quoted-printable")
	return p
}

// bodyTree decides the structure of m's body (see Build).
func bodyTree(m *Outgoing) (*outPart, error) {
	var inline, attached []*outPart
	for i, a := range m.Attachments {
		if a.Open == nil {
			return nil, &FieldError{Field: fmt.Sprintf("Attachment %d", i+1), Reason: "has no content"}
		}
		cid := ""
		if a.ContentID != "" {
			field := fmt.Sprintf("Attachment %d content ID", i+1)
			if err := checkText(field, a.ContentID); err != nil {
				return nil, err
			}
			id, ok := cleanMsgID(a.ContentID)
			if !ok {
				// Content-ID has the msg-id syntax; anything else is
				// either a bug or an attempt to break the header.
				return nil, &FieldError{Field: field, Reason: "is not of the form id@domain"}
			}
			cid = id
		}
		if m.HTML != "" && cid != "" && strings.Contains(m.HTML, "cid:"+cid) {
			inline = append(inline, attachmentLeaf(a, cid, "inline"))
		} else {
			attached = append(attached, attachmentLeaf(a, "", "attachment"))
		}
	}
	for i, f := range m.ForwardedMessages {
		if f.Open == nil {
			return nil, &FieldError{Field: fmt.Sprintf("Forwarded message %d", i+1), Reason: "has no content"}
		}
		attached = append(attached, forwardedLeaf(f))
	}

	text := m.Text
	if text == "" && m.HTML != "" {
		text = HTMLToText(m.HTML)
	}
	body := textLeaf("plain", text)
	if m.HTML != "" {
		html := textLeaf("html", m.HTML)
		if len(inline) > 0 {
			html = multipartOf(`multipart/related; type="text/html"`, append([]*outPart{html}, inline...)...)
		}
		body = multipartOf("multipart/alternative", body, html)
	}
	if len(attached) > 0 {
		body = multipartOf("multipart/mixed", append([]*outPart{body}, attached...)...)
	}
	return body, nil
}

// attachmentLeaf is a base64 part read from a's opener. base64 for every
// type, text included, so the recipient gets the exact bytes.
func attachmentLeaf(a Attachment, cid, disposition string) *outPart {
	name := cleanAttachmentName(a.Filename, "attachment")
	p := &outPart{body: copyFrom(a.Open, name)}
	p.fields.add("Content-Type", cleanContentType(a.ContentType)+"; "+formatParam("name", name))
	p.fields.add("Content-Disposition", disposition+"; "+formatParam("filename", name))
	p.fields.add("Content-Transfer-Encoding", "base64")
	if cid != "" {
		p.fields.add("Content-ID", "<"+cid+">")
	}
	return p
}

// forwardedLeaf attaches a whole message. RFC 2046 allows only 7bit, 8bit
// or binary for message/rfc822; mail that reached a mailbox came through
// SMTP, so 8bit with CRLF line endings (made sure of on the way) fits it.
func forwardedLeaf(f ForwardedMessage) *outPart {
	name := cleanAttachmentName(f.Filename, "forwarded.eml")
	open := f.Open
	p := &outPart{body: func(w io.Writer) error {
		cw := &crlfWriter{w: w}
		if err := copyFrom(open, name)(cw); err != nil {
			return err
		}
		return cw.finish()
	}}
	p.fields.add("Content-Type", "message/rfc822")
	p.fields.add("Content-Disposition", "attachment; "+formatParam("filename", name))
	p.fields.add("Content-Transfer-Encoding", "8bit")
	return p
}

// copyFrom streams an opener's bytes into a part.
func copyFrom(open func() (io.ReadCloser, error), name string) func(io.Writer) error {
	return func(w io.Writer) error {
		r, err := open()
		if err != nil {
			return fmt.Errorf("open %q: %w", name, err)
		}
		defer r.Close()
		if _, err := io.Copy(w, r); err != nil {
			return fmt.Errorf("copy %q: %w", name, err)
		}
		return nil
	}
}

// cleanAttachmentName strips what must not be in a filename: control
// characters (they would break the header) and any path (browsers and
// hostile clients send one). Stripping, not refusing, because the name
// is only a suggestion to the recipient and the rest of it still helps.
func cleanAttachmentName(name, fallback string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if isControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		return fallback
	}
	const maxName = 200
	if len(name) > maxName {
		cut := maxName
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut]
	}
	return name
}

// cleanContentType keeps a valid type/subtype and nothing else.
func cleanContentType(ct string) string {
	mediaType, _, err := mime.ParseMediaType(ct)
	if err != nil || strings.Count(mediaType, "/") != 1 ||
		strings.HasPrefix(mediaType, "multipart/") || strings.HasPrefix(mediaType, "message/") {
		return "application/octet-stream"
	}
	return mediaType
}

// writeTree writes the message: the top header with the root's Content-*
// fields, then the body.
func writeTree(w io.Writer, top fieldList, root *outPart) error {
	fields := append(top, HeaderField{Name: "MIME-Version", Value: "1.0"})
	fields = append(fields, root.fields...)
	mw, err := message.CreateWriter(w, fields.header())
	if err != nil {
		return err
	}
	if err := writePart(mw, root); err != nil {
		return err
	}
	return mw.Close()
}

func writePart(mw *message.Writer, p *outPart) error {
	if p.body != nil {
		return p.body(mw)
	}
	for i, child := range p.parts {
		cw, err := mw.CreatePart(child.fields.header())
		if err != nil {
			return fmt.Errorf("part %s: %w", strconv.Itoa(i+1), err)
		}
		if err := writePart(cw, child); err != nil {
			return err
		}
		if err := cw.Close(); err != nil {
			return err
		}
	}
	return nil
}

// crlfWriter turns bare LF and bare CR into CRLF, streaming.
type crlfWriter struct {
	w      io.Writer
	lastCR bool
	buf    []byte
}

func (c *crlfWriter) Write(p []byte) (int, error) {
	out := c.buf[:0]
	for _, b := range p {
		switch {
		case b == '\n' && !c.lastCR:
			out = append(out, '\r', '\n')
		case c.lastCR && b != '\n':
			out = append(out, '\n', b)
		default:
			out = append(out, b)
		}
		c.lastCR = b == '\r'
	}
	c.buf = out
	if _, err := c.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// finish completes a CR left at the very end.
func (c *crlfWriter) finish() error {
	if !c.lastCR {
		return nil
	}
	c.lastCR = false
	_, err := c.w.Write([]byte{'\n'})
	return err
}
