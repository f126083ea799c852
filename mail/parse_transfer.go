package mail

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

// walkBase64 decodes base64 and passes each byte to emit. Characters
// outside the alphabet (line breaks, spaces, junk) are skipped; padding
// ends a quantum and the rest of its line, so concatenated base64 blocks
// decode too and junk after the padding ("...Cg== ignored") is dropped.
func walkBase64(body []byte, emit func(byte)) {
	var acc uint32
	var bits uint
	skipLine := false
	for _, c := range body {
		if c == '\n' || c == '\r' {
			skipLine = false
			continue
		}
		if skipLine {
			continue
		}
		if c == '=' {
			acc, bits = 0, 0
			skipLine = true
			continue
		}
		v := base64Value(c)
		if v < 0 {
			continue
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			emit(byte(acc >> bits))
			acc &= 1<<bits - 1
		}
	}
}

// decodeQuotedPrintable decodes quoted-printable: "=XX" escapes, soft line
// breaks ("=" at the end of a line) and trailing white space, which RFC
// 2045 says transports may add. A "=" not followed by two hex digits is
// kept literally.
func decodeQuotedPrintable(body []byte) []byte {
	out := make([]byte, 0, len(body))
	for pos := 0; pos < len(body); {
		line, next := nextLine(body, pos)
		hasBreak := next > pos+len(line)
		line = trimTrailingSpace(line)
		soft := len(line) > 0 && line[len(line)-1] == '='
		if soft {
			line = line[:len(line)-1]
		}
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c == '=' && i+2 < len(line) && isHex(line[i+1]) && isHex(line[i+2]) {
				out = append(out, unhex(line[i+1])<<4|unhex(line[i+2]))
				i += 2
				continue
			}
			out = append(out, c)
		}
		if hasBreak && !soft {
			out = append(out, '\r', '\n')
		}
		pos = next
	}
	return out
}

func trimTrailingSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}
