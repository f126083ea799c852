package mime

import (
	"encoding/base64"
	"regexp"
	"strings"
	"unicode/utf8"
)

// encodedWord matches one RFC 2047 encoded word. The text part is matched
// lazily up to the first "?=" because some mailers put spaces in Q words.
var encodedWord = regexp.MustCompile(`=\?([^?\s]{1,75})\?([bBqQ])\?(.*?)\?=`)

// DecodeHeaderText decodes RFC 2047 encoded words in a header value and
// returns valid UTF-8. Unlike mime.WordDecoder it joins adjacent words of
// the same charset before converting them, so a multibyte character split
// across two words (a habit of several mailers) survives; it never fails,
// leaving undecodable words as they are. Raw 8-bit header bytes that are
// not UTF-8 are read as Windows-1252.
func DecodeHeaderText(s string) string {
	if !utf8.ValidString(s) {
		s = fallbackText([]byte(s))
	}
	if !strings.Contains(s, "=?") {
		return s
	}
	matches := encodedWord.FindAllStringSubmatchIndex(s, -1)
	if matches == nil {
		return s
	}
	var (
		out         strings.Builder
		pending     []byte // raw bytes of adjacent words in pendCharset
		pendCharset string
		last        int // end of the previous match
		prevWord    bool
	)
	flush := func() {
		if len(pending) > 0 {
			text, _ := decodeCharset(pendCharset, pending)
			out.WriteString(text)
		}
		pending, pendCharset = nil, ""
	}
	for _, m := range matches {
		between := s[last:m[0]]
		raw, ok := decodeWordBytes(s[m[4]:m[5]], s[m[6]:m[7]])
		if !ok {
			flush()
			out.WriteString(s[last:m[1]])
			last, prevWord = m[1], false
			continue
		}
		// Linear white space between two encoded words is not displayed.
		if !(prevWord && strings.TrimSpace(between) == "") {
			flush()
			out.WriteString(between)
		}
		charset := normalizeCharset(s[m[2]:m[3]])
		if charset != pendCharset {
			flush()
			pendCharset = charset
		}
		pending = append(pending, raw...)
		last, prevWord = m[1], true
	}
	flush()
	out.WriteString(s[last:])
	return strings.ToValidUTF8(out.String(), "\uFFFD")
}

func decodeWordBytes(encoding, text string) ([]byte, bool) {
	switch encoding {
	case "B", "b":
		text = strings.TrimRight(strings.Join(strings.Fields(text), ""), "=")
		b, err := base64.RawStdEncoding.DecodeString(text)
		if err != nil {
			return nil, false
		}
		return b, true
	default:
		return decodeQWord(text), true
	}
}

// decodeQWord decodes the Q encoding; malformed escapes stay literal.
func decodeQWord(text string) []byte {
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(text) && isHex(text[i+1]) && isHex(text[i+2]):
			out = append(out, unhex(text[i+1])<<4|unhex(text[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
