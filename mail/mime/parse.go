package mime

import (
	"fmt"
	"net/textproto"
	"strings"
	"time"
)

// Message is a parsed message, ready for display.
type Message struct {
	Subject    string
	From       []Address
	To         []Address
	Cc         []Address
	ReplyTo    []Address
	Date       time.Time // zero when the Date header is missing or unreadable
	MessageID  string    // without angle brackets
	InReplyTo  []string  // message IDs without angle brackets
	References []string  // message IDs without angle brackets, oldest first
	// Headers holds every header field of the message in order, values
	// unfolded and decoded to UTF-8 (for "show all headers").
	Headers []Header
	// Text is the best text/plain body decoded to UTF-8, with "\n" line
	// ends. For a message with only HTML it is a plain-text rendering of it.
	// "" when the message has no text at all.
	Text string
	// HTML is the best text/html body decoded to UTF-8, NOT sanitized: pass
	// it through htmlsafe.Sanitize before showing it. "" when there is none.
	HTML string
	// Parts lists attachments and inline parts: every leaf of the MIME tree
	// that is not part of Text or HTML.
	Parts []Part
}

// Part describes one attachment or inline part of a message.
type Part struct {
	// ID identifies the part for PartContent: its IMAP part number ("2",
	// "1.2"), so it can also be fetched with BODY[ID].
	ID string
	// Filename is the decoded (RFC 2047/2231) file name, "" if none. It is
	// not safe for a Content-Disposition header: see SafeFilename.
	Filename string
	// ContentType is the lower-case media type without parameters.
	ContentType string
	// Charset is the declared charset of a text part, "" if none. The bytes
	// from PartContent are in this charset.
	Charset string
	// Size is the decoded size in bytes.
	Size int64
	// ContentID is the Content-ID without angle brackets, "" if none; HTML
	// refers to it as "cid:" + ContentID.
	ContentID string
	// Inline is true for parts meant to be shown in the body rather than
	// offered as downloads: Content-Disposition inline, or no disposition
	// and a Content-ID.
	Inline bool
}

// ParseMessage parses a raw RFC 5322 message. It does not fail on
// malformed input: parts it cannot parse fall back to text or become
// attachments, unreadable headers are kept as they are. Its work is
// bounded (nesting depth, part count, header fields per part), so hostile
// input costs time and memory linear in its size. It never panics; the
// error is non-nil only if an internal bug was caught, and the Message then
// holds what was parsed before.
func ParseMessage(raw []byte) (msg *Message, err error) {
	msg = &Message{}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("mime: parse message: internal error: %v", r)
		}
	}()
	root := parseTree(raw)
	fillEnvelope(msg, root.fields)

	c := &bodyCollector{}
	b := c.collect(root, true)
	msg.Parts = c.parts
	if b.hasHTML {
		msg.HTML = b.html
	}
	switch {
	case b.hasPlain:
		msg.Text = b.plain
	case b.hasHTML:
		msg.Text = htmlToText(b.html)
	}
	return msg, nil
}

func fillEnvelope(msg *Message, fields []rawField) {
	msg.Headers = make([]Header, 0, len(fields))
	for _, f := range fields {
		msg.Headers = append(msg.Headers, Header{
			Key:   textproto.CanonicalMIMEHeaderKey(f.key),
			Value: DecodeHeaderText(f.value),
		})
	}
	get := func(key string) string {
		v, _ := fieldValue(fields, key)
		return v
	}
	msg.Subject = strings.Join(strings.Fields(DecodeHeaderText(get("Subject"))), " ")
	msg.From = ParseAddressList(get("From"))
	msg.To = ParseAddressList(get("To"))
	msg.Cc = ParseAddressList(get("Cc"))
	msg.ReplyTo = ParseAddressList(get("Reply-To"))
	msg.Date = ParseDate(get("Date"))
	if ids := ParseMessageIDs(get("Message-ID")); len(ids) > 0 {
		msg.MessageID = ids[0]
	}
	msg.InReplyTo = ParseMessageIDs(get("In-Reply-To"))
	msg.References = ParseMessageIDs(get("References"))
}

// partOf describes a leaf entity as a Part.
func partOf(e *entity) Part {
	p := partHeader(e)
	p.Size = decodedSize(e.transferEncoding(), e.body)
	return p
}

// partHeader describes a leaf entity as a Part from its header alone:
// everything but the Size.
func partHeader(e *entity) Part {
	p := Part{
		ID:          e.id,
		Filename:    e.filename(),
		ContentType: e.mediaType,
		ContentID:   e.contentID(),
	}
	if strings.HasPrefix(e.mediaType, "text/") {
		p.Charset = normalizeCharset(e.params["charset"])
	}
	p.Inline = e.disposition == "inline" || (e.disposition == "" && p.ContentID != "")
	return p
}

// PartContent returns the description and the transfer-decoded bytes of
// the leaf part id of raw. Text parts keep their charset (see
// Part.Charset). An unknown id, or the id of a multipart, is ErrNotFound.
func PartContent(raw []byte, id string) (part Part, content []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			part, content = Part{}, nil
			err = fmt.Errorf("mime: part %q: internal error: %v", id, r)
		}
	}()
	var found *entity
	parseTree(raw).walk(func(e *entity) bool {
		if !e.multipart && e.id == id {
			found = e
			return false
		}
		return true
	})
	if found == nil {
		return Part{}, nil, fmt.Errorf("mime: part %q: %w", id, ErrNotFound)
	}
	return partOf(found), decodeTransfer(found.transferEncoding(), found.body), nil
}

// Leaves describes every leaf of raw's MIME tree in tree order, the parts
// ParseMessage takes as the body included (an attached message is one
// leaf). Each is what PartContent returns for its ID. It is the full list
// a caller needs to check another reading of the message part by part
// (mail's StreamPart tests do).
func Leaves(raw []byte) (parts []Part, err error) {
	defer func() {
		if r := recover(); r != nil {
			parts, err = nil, fmt.Errorf("mime: list parts: internal error: %v", r)
		}
	}()
	parseTree(raw).walk(func(e *entity) bool {
		if !e.multipart {
			parts = append(parts, partOf(e))
		}
		return true
	})
	return parts, nil
}
