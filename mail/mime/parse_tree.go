package mime

import (
	"bytes"
	"strconv"
	"strings"
)

// Limits on the work one message may cause. A message that goes past them
// is still shown: deeper multiparts become opaque parts and parts past the
// count are left out.
const (
	maxDepth = 20 // multipart nesting
	// MaxParts is the most entities (multiparts and leaves) ParseMessage
	// makes of one message.
	MaxParts = 500
)

// entity is one node of a message's MIME tree. Bodies are slices of the raw
// message: nothing is copied or decoded until a caller asks.
type entity struct {
	id          string // IMAP-style part number ("1", "2.3"); "" for a multipart root
	fields      []rawField
	mediaType   string // lower-case "type/subtype", never ""
	params      map[string]string
	disposition string // lower-case "inline", "attachment", other, or ""
	dispParams  map[string]string
	body        []byte // still transfer-encoded
	children    []*entity
	multipart   bool
}

// parseState counts the entities created for one message.
type parseState struct {
	parts int
}

// parseTree parses raw into a MIME tree. It never fails.
func parseTree(raw []byte) *entity {
	st := &parseState{}
	root := parseEntity(raw, "", 0, st, "")
	if !root.multipart {
		root.id = "1" // IMAP numbers the body of a single-part message "1"
	}
	return root
}

func parseEntity(b []byte, id string, depth int, st *parseState, parentType string) *entity {
	st.parts++
	fields, bodyStart := readHeader(b)
	e := &entity{id: id, fields: fields, body: b[bodyStart:]}
	e.describe(parentType)
	if !e.splittable(depth) {
		return e
	}
	boundary := e.params["boundary"]
	if boundary == "" {
		boundary = guessBoundary(e.body)
	}
	chunks, found := splitMultipart(e.body, boundary)
	if !found {
		// A multipart without any delimiter is read as the text it is.
		e.mediaType = "text/plain"
		return e
	}
	e.multipart = true
	for i, chunk := range chunks {
		if st.parts >= MaxParts {
			break
		}
		childID := strconv.Itoa(i + 1)
		if id != "" {
			childID = id + "." + childID
		}
		e.children = append(e.children, parseEntity(chunk, childID, depth+1, st, e.mediaType))
	}
	return e
}

// describe reads the media type and disposition from e's header fields.
// parentType is the media type of the enclosing multipart, "" if none.
func (e *entity) describe(parentType string) {
	ct, _ := fieldValue(e.fields, "Content-Type")
	token, params := parseParamHeader(ct)
	e.mediaType, e.params = cleanMediaType(token), params
	if e.mediaType == "" {
		// RFC 2045 5.2: a missing or invalid Content-Type is text/plain,
		// except inside multipart/digest (RFC 2046 5.1.5).
		e.mediaType = "text/plain"
		if parentType == "multipart/digest" {
			e.mediaType = "message/rfc822"
		}
	}
	if cd, ok := fieldValue(e.fields, "Content-Disposition"); ok {
		token, dispParams := parseParamHeader(cd)
		e.disposition, e.dispParams = token, dispParams
	}
}

// splittable reports whether parseEntity tries to split e, found at
// nesting depth depth, into parts: a multipart within the depth limit.
// Whether it has parts depends on its body still (see splitMultipart).
func (e *entity) splittable(depth int) bool {
	return strings.HasPrefix(e.mediaType, "multipart/") && depth < maxDepth
}

// splitMultipart returns the body parts between delimiter lines
// ("--boundary", then nothing or white space) up to the close
// delimiter ("--boundary--") or, when that is missing, the end. found is
// false when no delimiter line occurs at all. Nested multiparts are split
// within their parent's part, so a child reusing or extending its parent's
// boundary cannot make the parent's parts overlap.
func splitMultipart(body []byte, boundary string) (parts [][]byte, found bool) {
	if !UsableBoundary(boundary) {
		return nil, false
	}
	delim := []byte("--" + boundary)
	start := -1 // where the current part's content begins
	pos := 0
	for pos < len(body) {
		i := bytes.Index(body[pos:], delim)
		if i < 0 {
			break
		}
		at := pos + i
		pos = at + len(delim)
		if at > 0 && body[at-1] != '\n' && body[at-1] != '\r' {
			continue // not at the start of a line
		}
		line, next := nextLine(body, at)
		rest := line[len(delim):]
		closing := bytes.HasPrefix(rest, []byte("--"))
		if closing {
			rest = rest[2:]
		}
		// RFC 2046 lets junk follow a delimiter. We require white space
		// before it, so "--ab" is not a delimiter for boundary "a", but
		// accept anything after a close delimiter ("--a-->").
		if !closing && len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' {
			continue
		}
		found = true
		if start >= 0 {
			parts = append(parts, body[start:contentEnd(body, start, at)])
		}
		if closing {
			return parts, true
		}
		start = next
		pos = next
	}
	if start >= 0 {
		parts = append(parts, body[start:])
	}
	return parts, found
}

// UsableBoundary reports whether splitMultipart splits on boundary at
// all. RFC 2046 allows 70 characters; longer ones are tolerated up to a
// point.
func UsableBoundary(boundary string) bool {
	return boundary != "" && len(boundary) <= 1000
}

// contentEnd returns where a part's content ends before the delimiter line
// at at: the line break before a delimiter belongs to the delimiter.
func contentEnd(body []byte, start, at int) int {
	end := at
	if end >= 1 && body[end-1] == '\n' {
		end--
	}
	if end >= 1 && body[end-1] == '\r' {
		end--
	}
	if end < start {
		end = start
	}
	return end
}

// guessBoundary finds a boundary for a multipart that declares none: the
// first line starting with "--" within the first few kilobytes.
func guessBoundary(body []byte) string {
	limit := min(len(body), 16<<10)
	for pos := 0; pos < limit; {
		line, next := nextLine(body, pos)
		if len(line) > 2 && line[0] == '-' && line[1] == '-' {
			b := strings.TrimRight(string(line[2:]), " \t")
			b = strings.TrimSuffix(b, "--")
			if b != "" && !strings.ContainsAny(b, " \t") {
				return b
			}
		}
		pos = next
	}
	return ""
}

// walk calls f for e and its descendants, depth first, until f returns false.
func (e *entity) walk(f func(*entity) bool) bool {
	if !f(e) {
		return false
	}
	for _, c := range e.children {
		if !c.walk(f) {
			return false
		}
	}
	return true
}

// filename returns the decoded file name from Content-Disposition or,
// failing that, the Content-Type name parameter.
func (e *entity) filename() string {
	if name := strings.TrimSpace(e.dispParams["filename"]); name != "" {
		return name
	}
	return strings.TrimSpace(e.params["name"])
}

// contentID returns the Content-ID without angle brackets.
func (e *entity) contentID() string {
	v, _ := fieldValue(e.fields, "Content-ID")
	return strings.Trim(strings.TrimSpace(v), "<> \t")
}

// transferEncoding returns the lower-cased Content-Transfer-Encoding
// token. A body labelled base64 that is plainly not base64 (words
// separated by spaces, punctuation) is reported as "8bit" so it shows as
// the text it is instead of decoded garbage.
func (e *entity) transferEncoding() string {
	enc := e.declaredEncoding()
	if enc == "base64" && !plausibleBase64(e.body) {
		return "8bit"
	}
	return enc
}

// declaredEncoding returns the Content-Transfer-Encoding token as
// written, lower-cased, without transferEncoding's look at the body.
func (e *entity) declaredEncoding() string {
	v, _ := fieldValue(e.fields, "Content-Transfer-Encoding")
	v, _, _ = strings.Cut(v, ";")
	return strings.ToLower(strings.Trim(strings.TrimSpace(v), `"'`))
}

// plausibleBase64 reports whether body looks like base64, judging by its
// first non-empty line: one token of base64 characters (a stray character
// is tolerated), or a padded token followed by junk. Prose has several
// words on its first line.
func plausibleBase64(body []byte) bool {
	for pos := 0; pos < len(body); {
		line, next := nextLine(body, pos)
		pos = next
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		token := line
		if i := bytes.IndexAny(line, " \t"); i >= 0 {
			token = line[:i]
			if !bytes.HasSuffix(token, []byte("=")) {
				return false
			}
		}
		stray := 0
		for _, c := range token {
			if base64Value(c) < 0 && c != '=' {
				stray++
			}
		}
		return stray <= 1
	}
	return true
}
