package demo

import (
	"bytes"
	"encoding/base64"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The seeded mail is built by hand rather than with go-message's writer
// because some messages must use charsets other than UTF-8 (ISO-8859-1,
// ISO-2022-JP), which that writer refuses, and because fixed header order,
// spelling and boundaries keep the output deterministic.

// headerField is one header field: the name as written and a value that is
// already ASCII (encoded words where needed) and unfolded.
type headerField struct {
	name, value string
}

// part is a MIME entity: a leaf with an already transfer-encoded body, or a
// multipart with children.
type part struct {
	header   []headerField
	body     []byte // CRLF line endings; leaves only
	children []*part
	boundary string
}

// maxLineLen is where header folding and base64 wrapping aim (RFC 5322's
// recommended 78, minus room for CRLF).
const maxLineLen = 76

// writeTo appends the entity (header, blank line, body) to b.
func (p *part) writeTo(b *bytes.Buffer) {
	for _, f := range p.header {
		writeField(b, f)
	}
	b.WriteString("\r\n")
	if p.children == nil {
		b.Write(p.body)
		return
	}
	b.WriteString("This is a multi-part message in MIME format.\r\n")
	for _, child := range p.children {
		b.WriteString("\r\n--" + p.boundary + "\r\n")
		child.writeTo(b)
	}
	b.WriteString("\r\n--" + p.boundary + "--\r\n")
}

// renderMessage writes the top-level fields, MIME-Version and the root
// entity as one RFC 5322 message.
func renderMessage(fields []headerField, root *part) []byte {
	var b bytes.Buffer
	for _, f := range fields {
		writeField(&b, f)
	}
	writeField(&b, headerField{"MIME-Version", "1.0"})
	root.writeTo(&b)
	return b.Bytes()
}

// writeField writes "Name: value" folded at spaces so lines stay near
// maxLineLen; folding only inserts CRLF before existing spaces, so unfolding
// restores the value exactly.
func writeField(b *bytes.Buffer, f headerField) {
	line := f.name + ":"
	for i, word := range strings.Split(f.value, " ") {
		// Never fold before the first word (the name line would be empty)
		// or before an empty word (the new line would be blank).
		if i > 0 && word != "" && len(line)+1+len(word) > maxLineLen {
			b.WriteString(line + "\r\n")
			line = ""
		}
		line += " " + word
	}
	b.WriteString(line + "\r\n")
}

// multipart builds a multipart/subtype entity.
func multipart(subtype, boundary string, children ...*part) *part {
	return &part{
		header:   []headerField{{"Content-Type", mime.FormatMediaType("multipart/"+subtype, map[string]string{"boundary": boundary})}},
		children: children,
		boundary: boundary,
	}
}

// textPart builds a UTF-8 text/subtype leaf: 7bit when the text allows,
// quoted-printable otherwise.
func textPart(subtype, text string) *part {
	p := &part{header: []headerField{{"Content-Type", mime.FormatMediaType("text/"+subtype, map[string]string{"charset": "utf-8"})}}}
	if isASCII(text) && !hasLongLine(text) {
		p.header = append(p.header, headerField{"Content-Transfer-Encoding", "7bit"})
		p.body = normalizeCRLF([]byte(ensureNewline(text)))
		return p
	}
	p.header = append(p.header, headerField{"Content-Transfer-Encoding", "quoted-printable"})
	p.body = quotedPrintable([]byte(ensureNewline(text)))
	return p
}

// filePart builds a base64 attachment. Non-ASCII file names come out in
// RFC 2231 form (filename*=utf-8”...), courtesy of mime.FormatMediaType.
func filePart(mediaType, filename string, data []byte) *part {
	return &part{
		header: []headerField{
			{"Content-Type", mime.FormatMediaType(mediaType, map[string]string{"name": filename})},
			{"Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename})},
			{"Content-Transfer-Encoding", "base64"},
		},
		body: base64Lines(data),
	}
}

// inlinePart builds a base64 inline entity an HTML part refers to as
// cid:contentID.
func inlinePart(mediaType, filename, contentID string, data []byte) *part {
	return &part{
		header: []headerField{
			{"Content-Type", mime.FormatMediaType(mediaType, map[string]string{"name": filename})},
			{"Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": filename})},
			{"Content-ID", "<" + contentID + ">"},
			{"Content-Transfer-Encoding", "base64"},
		},
		body: base64Lines(data),
	}
}

// messagePart wraps a complete message as a message/rfc822 attachment.
func messagePart(filename string, raw []byte) *part {
	return &part{
		header: []headerField{
			{"Content-Type", "message/rfc822"},
			{"Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename})},
		},
		body: raw,
	}
}

// base64Lines encodes data as base64 wrapped at 76 columns with CRLF.
func base64Lines(data []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(data)
	var b bytes.Buffer
	b.Grow(len(enc) + len(enc)/maxLineLen*2 + 2)
	for len(enc) > maxLineLen {
		b.WriteString(enc[:maxLineLen] + "\r\n")
		enc = enc[maxLineLen:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// quotedPrintable encodes bytes in any charset; the stdlib writer turns
// line breaks into CRLF.
func quotedPrintable(data []byte) []byte {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write(data) // writes to a bytes.Buffer cannot fail
	w.Close()
	return b.Bytes()
}

// encodeText encodes an unstructured header value (Subject) as RFC 2047
// encoded words when it is not plain ASCII.
func encodeText(s string) string {
	if isASCII(s) {
		return s
	}
	return wordEncoder(s).Encode("utf-8", s)
}

// formatAddress writes "Name <addr>" with the name quoted or RFC 2047
// encoded as needed. Names mostly in non-Latin scripts use B encoding, as
// mail clients do for them.
func formatAddress(name, address string) string {
	if name == "" || isASCII(name) {
		return (&mail.Address{Name: name, Address: address}).String()
	}
	return wordEncoder(name).Encode("utf-8", name) + " <" + address + ">"
}

// formatAddressList joins formatted addresses with ", ".
func formatAddressList(people []person) string {
	parts := make([]string, len(people))
	for i, p := range people {
		parts[i] = formatAddress(p.name, p.address)
	}
	return strings.Join(parts, ", ")
}

// wordEncoder picks B encoding for mostly non-Latin text, Q otherwise.
func wordEncoder(s string) mime.WordEncoder {
	var latin, other int
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf || unicode.Is(unicode.Latin, r):
			latin++
		case unicode.IsLetter(r):
			other++
		}
	}
	if other > latin {
		return mime.BEncoding
	}
	return mime.QEncoding
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hasLongLine reports a line longer than 7bit encoding should carry.
func hasLongLine(s string) bool {
	for line := range strings.Lines(s) {
		if len(line) > 78 {
			return true
		}
	}
	return false
}

func ensureNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
