package mime

import "bytes"

// Header is one header field of a message, its value unfolded and decoded
// to UTF-8.
type Header struct {
	Key   string
	Value string
}

// rawField is a header field as written: the key with its original case and
// the unfolded but undecoded value.
type rawField struct {
	key   string
	value string
}

// maxHeaderFields bounds the fields kept from one header block; the rest is
// skipped (but still scanned past) so a million-line header costs only time
// linear in its size.
const maxHeaderFields = 1000

// nextLine returns the line starting at pos without its terminator and the
// position after the terminator. CRLF, LF and a lone CR all end a line:
// malformed messages mix them.
func nextLine(b []byte, pos int) (line []byte, next int) {
	rest := b[pos:]
	i := bytes.IndexAny(rest, "\r\n")
	if i < 0 {
		return rest, len(b)
	}
	if rest[i] == '\r' && i+1 < len(rest) && rest[i+1] == '\n' {
		return rest[:i], pos + i + 2
	}
	return rest[:i], pos + i + 1
}

// readHeader reads the header block at the start of b and returns its
// fields and the offset at which the body starts. It never fails: a line
// that is neither a field nor a continuation ends the header (the body
// starts with that line), a whitespace-only line is a continuation, a
// leading mbox "From " line is skipped, and without any header at all the
// whole of b is body.
func readHeader(b []byte) (fields []rawField, bodyStart int) {
	pos := 0
	var cur []byte // the field being unfolded
	haveCur := false
	flush := func() {
		if !haveCur {
			return
		}
		haveCur = false
		if len(fields) >= maxHeaderFields {
			return
		}
		colon := bytes.IndexByte(cur, ':')
		key := string(bytes.TrimSpace(cur[:colon]))
		value := string(bytes.TrimSpace(cur[colon+1:]))
		fields = append(fields, rawField{key: key, value: value})
	}
	for pos < len(b) {
		line, next := nextLine(b, pos)
		if len(line) == 0 {
			flush()
			return fields, next
		}
		if line[0] == ' ' || line[0] == '\t' {
			if haveCur {
				if len(cur) < 1<<20 { // one field cannot grow without bound
					cur = append(cur, ' ')
					cur = append(cur, bytes.TrimLeft(line, " \t")...)
				}
				pos = next
				continue
			}
			// A header starting with white space: read the line as a field
			// if it is one, else it starts the body.
			line = bytes.TrimLeft(line, " \t")
		}
		if pos == 0 && bytes.HasPrefix(line, []byte("From ")) {
			pos = next // mbox separator
			continue
		}
		if !isFieldLine(line) {
			flush()
			return fields, pos
		}
		flush()
		cur = append(cur[:0], line...)
		haveCur = true
		pos = next
	}
	flush()
	return fields, len(b)
}

// isFieldLine reports whether line starts with "key:" where key is made of
// printable ASCII without spaces (white space before the colon is tolerated,
// as in "Subject : hi").
func isFieldLine(line []byte) bool {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return false
	}
	key := bytes.TrimRight(line[:colon], " \t")
	if len(key) == 0 {
		return false
	}
	for _, c := range key {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// fieldValue returns the raw value of the first field named key
// (case-insensitive) and whether there was one.
func fieldValue(fields []rawField, key string) (string, bool) {
	for _, f := range fields {
		if equalFoldASCII(f.key, key) {
			return f.value, true
		}
	}
	return "", false
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}
