package htmlsafe

import (
	"html"
	"net/url"
	"strings"
)

// LinkifyText escapes plain text for HTML and turns http, https and mailto
// URLs into links (mailto: ones to the compose page, ComposeMailtoURL) that open in a new tab without leaking the opener or the
// referrer (target="_blank" rel="noopener noreferrer"). Line breaks are
// kept as they are: show the result with white-space: pre-wrap.
func LinkifyText(text string) string {
	var out strings.Builder
	out.Grow(len(text) + len(text)/8)
	last := 0
	for _, m := range findLinks(text) {
		start, end := m[0], trimLinkEnd(text, m[0], m[1])
		link := text[start:end]
		if !linkable(link) {
			continue
		}
		out.WriteString(html.EscapeString(text[last:start]))
		out.WriteString(`<a href="`)
		out.WriteString(html.EscapeString(linkTarget(link)))
		out.WriteString(`" target="_blank" rel="noopener noreferrer">`)
		out.WriteString(html.EscapeString(link))
		out.WriteString("</a>")
		last = end
	}
	out.WriteString(html.EscapeString(text[last:]))
	return out.String()
}

// linkTarget is where a link found in text leads: mailto: links open
// the webmail's compose page (see ComposeMailtoURL), others themselves.
func linkTarget(link string) string {
	if len(link) >= 7 && strings.EqualFold(link[:7], "mailto:") {
		return ComposeMailtoURL(link)
	}
	return link
}

// trimLinkEnd drops trailing punctuation that ends the sentence rather
// than the URL, and a closing parenthesis that has no opening one inside
// the URL ("(see https://example.org/a)").
func trimLinkEnd(text string, start, end int) int {
	for end > start {
		c := text[end-1]
		switch {
		case strings.IndexByte(".,;:!?*", c) >= 0:
			end--
		case c == ')' && strings.Count(text[start:end], "(") < strings.Count(text[start:end], ")"):
			end--
		case c == ']' && strings.Count(text[start:end], "[") < strings.Count(text[start:end], "]"):
			end--
		default:
			return end
		}
	}
	return end
}

// linkable reports whether a matched URL has something after its scheme
// and parses.
func linkable(link string) bool {
	u, err := url.Parse(link)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}

// findLinks returns the spans of text that look like links, left to
// right, as the regular expression
//
//	(?i)\b(?:https?://|mailto:)[^\s<>"'\x60\x00-\x1f\x7f]+
//
// would find them (TestFindLinksAsTheRegexp holds it to that): a scheme
// at an ASCII word boundary (the scheme's letters in ASCII case: the
// expression's (?i) also took the Kelvin sign and the long s, whose
// schemes linkable refuses anyway), then every byte up to a space, a
// control character or one of <>"'`. Written out because the regular
// expression was a tenth of the webmail's CPU on a message view.
func findLinks(text string) [][2]int {
	var out [][2]int
	for i := 0; i < len(text); i++ {
		c := text[i] | 0x20 // ASCII lower case for letters
		if c != 'h' && c != 'm' || i > 0 && isWordByte(text[i-1]) {
			continue
		}
		n := schemeLen(text[i:])
		if n == 0 {
			continue
		}
		end := i + n
		for end < len(text) && !endsLink(text[end]) {
			end++
		}
		if end == i+n {
			continue // a scheme alone
		}
		out = append(out, [2]int{i, end})
		i = end - 1
	}
	return out
}

// schemeLen is the length of the "http://", "https://" or "mailto:" that
// s starts with (in any case), 0 if none.
func schemeLen(s string) int {
	for _, scheme := range [...]string{"https://", "http://", "mailto:"} {
		if len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			return len(scheme)
		}
	}
	return 0
}

// isWordByte is \w of regular expressions: an ASCII letter, digit or _.
func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// endsLink reports a byte no link contains: a space, an ASCII control
// character, or one of <>"'`. Bytes of multi-byte characters (and of
// invalid UTF-8) belong to the link.
func endsLink(c byte) bool {
	return c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`'
}
