package mime

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// maxDecodedText bounds the UTF-8 produced from one body or header so a
// pathological charset cannot expand a part without limit.
const maxDecodedText = 32 << 20

// decodeCharset converts b from the named charset to valid UTF-8. It never
// fails: an unknown or missing charset falls back to UTF-8 when b is valid
// UTF-8 and to Windows-1252 otherwise (the most common unlabelled 8-bit
// charset in the wild). known is false when the fallback was used.
func decodeCharset(name string, b []byte) (text string, known bool) {
	switch normalizeCharset(name) {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "x-utf_8j":
		return fallbackText(b), true
	case "utf-7", "unicode-1-1-utf-7", "csunicode11utf7", "x-unicode-1-1-utf-7":
		return decodeUTF7(b), true
	case "gb2312", "gbk", "x-gbk", "cp936", "euc-cn", "x-euc-cn":
		// GB18030 is a superset: mail labelled GB2312 often uses GBK characters.
		return decodeWith(simplifiedchinese.GB18030.NewDecoder().Reader(bytes.NewReader(b))), true
	case "unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined", "8bit":
		return fallbackText(b), false
	}
	r, err := charset.Reader(normalizeCharset(name), bytes.NewReader(b))
	if err != nil {
		return fallbackText(b), false
	}
	return decodeWith(r), true
}

func normalizeCharset(name string) string {
	name = strings.ToLower(strings.Trim(strings.TrimSpace(name), `"'`))
	// RFC 2231 allows a language suffix: "utf-8*en".
	if i := strings.IndexByte(name, '*'); i >= 0 {
		name = name[:i]
	}
	return name
}

func decodeWith(r io.Reader) string {
	out, _ := io.ReadAll(io.LimitReader(r, maxDecodedText))
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// fallbackText returns b as UTF-8 if it is valid, else decodes it as
// Windows-1252, which maps every byte to a character.
func fallbackText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// CharsetReader is a never-failing charset reader for mime.WordDecoder and
// imapclient: unknown charsets decode with the fallback instead of making
// the whole header unreadable.
func CharsetReader(name string, input io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(io.LimitReader(input, maxDecodedText))
	if err != nil {
		return nil, err
	}
	text, _ := decodeCharset(name, b)
	return strings.NewReader(text), nil
}
