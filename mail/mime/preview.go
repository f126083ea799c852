package mime

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// PreviewRunes is how long a list line's preview is at most, in runes.
const PreviewRunes = 140

// PreviewText makes a list line's preview from the first bytes of a text
// part, as fetched with a partial BODY[section]<0.n>: content cut anywhere,
// in the part's transfer encoding and charset. It undoes both (a base64
// quantum or a quoted-printable escape cut at the end is dropped), renders
// HTML as text, drops quoted lines, the signature and the "On … wrote:"
// line introducing a quote, collapses white space and cuts the result to
// PreviewRunes at a rune boundary. It never fails: what it cannot read
// gives less text, or none.
func PreviewText(content []byte, encoding, charset string, html bool) string {
	encoding = strings.ToLower(strings.TrimSpace(encoding))
	switch encoding {
	case "base64":
		content = decodeBase64(content)
	case "quoted-printable":
		content = decodeQuotedPrintable(cutQPEscape(content))
	}
	if isUTF8Charset(charset) {
		content = cutPartialRune(content)
	}
	text, _ := decodeCharset(charset, content)
	if html {
		text = htmlToText(cutPartialTag(text))
	}
	return previewLine(text)
}

// isUTF8Charset reports a charset whose text is UTF-8, where a cut can
// split a character.
func isUTF8Charset(charset string) bool {
	switch normalizeCharset(charset) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return true
	}
	return false
}

// cutQPEscape drops an "=" or "=X" the cut left at the end: the escape's
// other digits were not fetched.
func cutQPEscape(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-2; i-- {
		if b[i] == '=' {
			return b[:i]
		}
	}
	return b
}

// cutPartialRune drops the first bytes of a UTF-8 character the cut split.
func cutPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// cutPartialTag drops a tag the cut left open ("<a hre"), which the
// tokenizer would otherwise show as text.
func cutPartialTag(s string) string {
	if lt := strings.LastIndexByte(s, '<'); lt >= 0 && !strings.Contains(s[lt:], ">") {
		return s[:lt]
	}
	return s
}

// previewLine keeps the lines a reader would see first: no quoted lines,
// nothing after the signature separator, no "On … wrote:" attribution;
// white space collapsed, cut to PreviewRunes.
func previewLine(text string) string {
	var kept []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "-- " || line == "--" {
			break
		}
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, ">") || attribution(trimmed) {
			continue
		}
		kept = append(kept, trimmed)
	}
	fields := strings.FieldsFunc(strings.Join(kept, " "), func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b' || r == '\ufeff'
	})
	return truncateRunes(strings.Join(fields, " "), PreviewRunes)
}

// attribution reports the line that introduces a quote in the common
// English form, "On <date>, <name> wrote:".
func attribution(line string) bool {
	return strings.HasPrefix(line, "On ") && strings.HasSuffix(line, " wrote:")
}

// truncateRunes cuts s to at most n runes, with an ellipsis when cut.
func truncateRunes(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return strings.TrimRight(s[:i], " ") + "…"
		}
		count++
	}
	return s
}
