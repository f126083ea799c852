package mime

import (
	"strings"
	"unicode/utf16"
)

// decodeUTF7 decodes UTF-7 (RFC 2152), which golang.org/x/text does not
// provide but old mail clients still send. Malformed shifted sequences turn
// into U+FFFD instead of failing: displaying something beats displaying
// nothing.
func decodeUTF7(b []byte) string {
	var out strings.Builder
	out.Grow(len(b))
	for i := 0; i < len(b); {
		c := b[i]
		if c != '+' {
			if c < 0x80 {
				out.WriteByte(c)
			} else {
				out.WriteRune('\uFFFD')
			}
			i++
			continue
		}
		i++
		if i < len(b) && b[i] == '-' { // "+-" is a literal plus
			out.WriteByte('+')
			i++
			continue
		}
		var (
			bits  uint32
			nbits uint
			units []uint16
		)
		for i < len(b) {
			v := base64Value(b[i])
			if v < 0 {
				break
			}
			bits = bits<<6 | uint32(v)
			nbits += 6
			if nbits >= 16 {
				nbits -= 16
				units = append(units, uint16(bits>>nbits))
				bits &= 1<<nbits - 1
			}
			i++
		}
		out.WriteString(string(utf16.Decode(units)))
		if i < len(b) && b[i] == '-' { // the optional terminator is absorbed
			i++
		}
	}
	return out.String()
}

func base64Value(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	}
	return -1
}
