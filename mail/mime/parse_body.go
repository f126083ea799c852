package mime

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/webmail/webmail/mail/htmlsafe"
)

// bodyText is the displayable text of a subtree: a plain rendering and an
// HTML rendering, each either taken from real parts (has*) or empty.
type bodyText struct {
	plain, html       string
	hasPlain, hasHTML bool
}

func (b bodyText) empty() bool { return !b.hasPlain && !b.hasHTML }

// bodyCollector walks a MIME tree, turning body leaves into text and
// everything else into Parts.
type bodyCollector struct {
	parts []Part
}

func (c *bodyCollector) collect(e *entity, root bool) bodyText {
	if !e.multipart {
		if !isBodyLeaf(e, root) {
			c.parts = append(c.parts, partOf(e))
			return bodyText{}
		}
		text := decodeBodyText(e)
		if strings.TrimSpace(text) == "" {
			return bodyText{} // empty parts would only add blank blocks
		}
		if e.mediaType == "text/html" {
			return bodyText{html: text, hasHTML: true}
		}
		return bodyText{plain: text, hasPlain: true}
	}
	children := make([]bodyText, 0, len(e.children))
	for _, child := range e.children {
		children = append(children, c.collect(child, false))
	}
	if e.mediaType == "multipart/alternative" {
		return pickAlternative(children)
	}
	return combineSequence(children)
}

// isBodyLeaf reports whether a leaf is message text rather than an
// attachment: text/plain or text/html that is not marked as an attachment.
// A text part with a file name and no explicit inline disposition is an
// attached file (a log, a page) unless it is the whole message.
func isBodyLeaf(e *entity, root bool) bool {
	if e.mediaType != "text/plain" && e.mediaType != "text/html" {
		return false
	}
	switch e.disposition {
	case "attachment":
		return false
	case "inline":
		return true
	}
	return root || e.filename() == ""
}

// pickAlternative prefers the last alternative of each kind (RFC 2046
// 5.1.4 orders alternatives from plainest to richest).
func pickAlternative(children []bodyText) bodyText {
	var out bodyText
	for _, ch := range children {
		if ch.hasHTML {
			out.html, out.hasHTML = ch.html, true
		}
		if ch.hasPlain {
			out.plain, out.hasPlain = ch.plain, true
		}
	}
	return out
}

// combineSequence joins the bodies of a multipart/mixed (or related, signed,
// unknown...) in order. When the sequence mixes plain and HTML parts, each
// rendering gets every part, converted where needed, so nothing the sender
// wrote is hidden by the choice of view.
func combineSequence(children []bodyText) bodyText {
	var out bodyText
	for _, ch := range children {
		out.hasPlain = out.hasPlain || ch.hasPlain
		out.hasHTML = out.hasHTML || ch.hasHTML
	}
	if out.empty() {
		return out
	}
	var plain, html strings.Builder
	for _, ch := range children {
		if ch.empty() {
			continue
		}
		if out.hasPlain {
			seg := ch.plain
			if !ch.hasPlain {
				seg = htmlToText(ch.html)
			}
			if plain.Len() > 0 && !strings.HasSuffix(plain.String(), "\n") {
				plain.WriteByte('\n')
			}
			plain.WriteString(seg)
		}
		if out.hasHTML {
			if ch.hasHTML {
				html.WriteString(ch.html)
			} else {
				html.WriteString(`<div style="white-space: pre-wrap">`)
				html.WriteString(htmlsafe.LinkifyText(ch.plain))
				html.WriteString("</div>")
			}
		}
	}
	out.plain, out.html = plain.String(), html.String()
	return out
}

// decodeBodyText decodes a text leaf to UTF-8 with "\n" line ends.
func decodeBodyText(e *entity) string {
	raw := decodeTransfer(e.transferEncoding(), e.body)
	charset := e.params["charset"]
	if charset == "" && e.mediaType == "text/html" {
		charset = sniffHTMLCharset(raw)
	}
	text, _ := decodeCharset(charset, raw)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	if e.mediaType == "text/plain" && strings.EqualFold(e.params["format"], "flowed") {
		text = unflow(text, strings.EqualFold(e.params["delsp"], "yes"))
	}
	return text
}

var metaCharset = regexp.MustCompile(`(?i)<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})`)

// sniffHTMLCharset finds a <meta> charset declaration near the start of an
// HTML part that has no charset parameter.
func sniffHTMLCharset(b []byte) string {
	head := b[:min(len(b), 2048)]
	if !bytes.Contains(bytes.ToLower(head), []byte("charset")) {
		return ""
	}
	if m := metaCharset.FindSubmatch(head); m != nil {
		return string(m[1])
	}
	return ""
}

// unflow joins the soft line breaks of format=flowed text (RFC 3676): a line
// ending in a space continues on the next line. Quote depth changes and the
// signature separator "-- " end a paragraph.
func unflow(text string, delSp bool) string {
	lines := strings.Split(text, "\n")
	var out strings.Builder
	out.Grow(len(text))
	prevSoft := false
	prevDepth := 0
	for i, line := range lines {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		content := line[depth:]
		if strings.HasPrefix(content, " ") { // space stuffing
			content = content[1:]
		}
		if prevSoft && depth != prevDepth {
			out.WriteByte('\n') // a soft break cannot join different quote depths
			prevSoft = false
		}
		if !prevSoft && depth > 0 {
			out.WriteString(strings.Repeat(">", depth) + " ")
		}
		soft := strings.HasSuffix(content, " ") && content != "-- "
		if soft && delSp {
			content = content[:len(content)-1]
		}
		out.WriteString(content)
		if !soft && i < len(lines)-1 {
			out.WriteByte('\n')
		}
		prevSoft, prevDepth = soft, depth
	}
	return out.String()
}
