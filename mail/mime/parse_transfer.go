package mime

// decodeTransfer undoes the Content-Transfer-Encoding. Both decoders are
// lenient: junk characters are skipped and malformed escapes kept, because
// a slightly damaged attachment is worth more than an error. Unknown
// encodings (x-uuencode, x-gzip64, typos) return the body as it is.
func decodeTransfer(encoding string, body []byte) []byte {
	switch encoding {
	case "base64":
		return decodeBase64(body)
	case "quoted-printable":
		return decodeQuotedPrintable(body)
	}
	return body
}

// decodedSize returns len(decodeTransfer(encoding, body)) without
// allocating for base64, the encoding of nearly every large part.
func decodedSize(encoding string, body []byte) int64 {
	switch encoding {
	case "base64":
		var n int64
		walkBase64(body, func(byte) { n++ })
		return n
	case "quoted-printable":
		return int64(len(decodeQuotedPrintable(body)))
	}
	return int64(len(body))
}

// decodeBase64 decodes base64 leniently; see walkBase64.
func decodeBase64(body []byte) []byte {
	out := make([]byte, 0, len(body)*3/4)
	walkBase64(body, func(b byte) { out = append(out, b) })
	return out
}

// walkBase64 decodes base64 and passes each byte to emit; see
// base64State for what it makes of malformed input.
func walkBase64(body []byte, emit func(byte)) {
	var st base64State
	for _, c := range body {
		if b, ok := st.next(c); ok {
			emit(b)
		}
	}
}

// base64State decodes base64 one character at a time, so the whole-body
// and the streaming decoders are the same code. Characters outside the
// alphabet (line breaks, spaces, junk) are skipped; padding ends a quantum
// and the rest of its line, so concatenated base64 blocks decode too and
// junk after the padding ("...Cg== ignored") is dropped.
type base64State struct {
	acc      uint32
	bits     uint
	skipLine bool
}

// next takes one character and returns the byte it completes, if any.
func (st *base64State) next(c byte) (byte, bool) {
	if c == '\n' || c == '\r' {
		st.skipLine = false
		return 0, false
	}
	if st.skipLine {
		return 0, false
	}
	if c == '=' {
		st.acc, st.bits = 0, 0
		st.skipLine = true
		return 0, false
	}
	v := base64Value(c)
	if v < 0 {
		return 0, false
	}
	st.acc = st.acc<<6 | uint32(v)
	st.bits += 6
	if st.bits < 8 {
		return 0, false
	}
	st.bits -= 8
	b := byte(st.acc >> st.bits)
	st.acc &= 1<<st.bits - 1
	return b, true
}

// decodeQuotedPrintable decodes quoted-printable: "=XX" escapes, soft line
// breaks ("=" at the end of a line) and trailing white space, which RFC
// 2045 says transports may add. A "=" not followed by two hex digits is
// kept literally.
func decodeQuotedPrintable(body []byte) []byte {
	out := make([]byte, 0, len(body))
	for pos := 0; pos < len(body); {
		line, next := nextLine(body, pos)
		out = appendQPLine(out, line, next > pos+len(line))
		pos = next
	}
	return out
}

// appendQPLine appends the decoded line (without its line break) to out,
// and a CRLF when the line had a break that was not a soft one.
func appendQPLine(out, line []byte, hasBreak bool) []byte {
	line = trimTrailingSpace(line)
	soft := len(line) > 0 && line[len(line)-1] == '='
	if soft {
		line = line[:len(line)-1]
	}
	out = appendQPEscapes(out, line)
	if hasBreak && !soft {
		out = append(out, '\r', '\n')
	}
	return out
}

// appendQPEscapes appends s to out with its "=XX" escapes decoded. An
// escape needs both hex digits within s.
func appendQPEscapes(out, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, c)
	}
	return out
}

func trimTrailingSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}
