package mime

import "bytes"

// The IMAP side of the application gets messages in pieces (header
// sections, single parts) instead of whole. What it reads from those
// pieces must agree with what ParseMessage reads from the whole message,
// so it reads them with the parser's own header reader, through the types
// below.

// HeaderFields is a header block as ParseMessage reads it: its fields in
// order, values unfolded but still encoded (see DecodeHeaderText).
type HeaderFields struct {
	fields []rawField
}

// ReadHeaderFields reads the header block at the start of block (the
// whole of it when it is a header section fetched on its own). Like the
// parser it never fails and keeps a bounded number of fields.
func ReadHeaderFields(block []byte) HeaderFields {
	fields, _ := readHeader(block)
	return HeaderFields{fields: fields}
}

// Value returns the unfolded, undecoded value of the first field named key
// (matched without regard to ASCII case), and whether there is one.
func (h HeaderFields) Value(key string) (string, bool) {
	return fieldValue(h.fields, key)
}

// PartHeader is the header of one part read on its own, as ParseMessage
// reads it at the start of that part. It lets a caller that fetches a
// message piece by piece check that ParseMessage would split and number
// the message the same way (see mail.Client.StreamPart).
type PartHeader struct {
	e *entity
}

// ReadPartHeader reads block, the complete header of a part whose
// enclosing multipart has media type parentType ("" for a message's own
// header). ok is false when ParseMessage would end the header elsewhere:
// before the end of block (at a line that is not a field), or after it
// (block does not end with an empty line).
func ReadPartHeader(block []byte, parentType string) (h PartHeader, ok bool) {
	if len(block) == 0 || !endsWithEmptyLine(block) {
		return PartHeader{}, false
	}
	fields, bodyStart := readHeader(block)
	if bodyStart != len(block) {
		return PartHeader{}, false
	}
	e := &entity{fields: fields}
	e.describe(parentType)
	return PartHeader{e: e}, true
}

// endsWithEmptyLine reports whether b's last line, as nextLine splits
// lines, is empty and ended.
func endsWithEmptyLine(b []byte) bool {
	switch {
	case bytes.HasSuffix(b, []byte("\r\n")):
		b = b[:len(b)-2]
	case bytes.HasSuffix(b, []byte("\n")), bytes.HasSuffix(b, []byte("\r")):
		b = b[:len(b)-1]
	default:
		return false
	}
	return len(b) == 0 || b[len(b)-1] == '\n' || b[len(b)-1] == '\r'
}

// MediaType is the lower-case media type the parser gives the part (a
// missing or invalid Content-Type reads as text/plain, or message/rfc822
// inside multipart/digest).
func (h PartHeader) MediaType() string { return h.e.mediaType }

// Boundary is the declared multipart boundary, "" if none.
func (h PartHeader) Boundary() string { return h.e.params["boundary"] }

// Splittable reports whether the parser tries to split the part, found at
// nesting depth depth, into parts: a multipart within the depth limit.
// Whether it has parts still depends on its body.
func (h PartHeader) Splittable(depth int) bool { return h.e.splittable(depth) }

// TransferEncoding is the declared Content-Transfer-Encoding, lower case,
// as CopyDecoded takes it.
func (h PartHeader) TransferEncoding() string { return h.e.declaredEncoding() }

// Part describes the part from its header alone: everything but ID and
// Size.
func (h PartHeader) Part() Part { return partHeader(h.e) }

// BodyLeaf reports whether ParseMessage takes the part, a leaf inside a
// multipart, as message text (text/plain or text/html not marked as an
// attachment) rather than as one of the message's Parts.
func (h PartHeader) BodyLeaf() bool { return isBodyLeaf(h.e, false) }
