package htmlsafe

import (
	"html"
	"net/url"
	"regexp"
	"strings"
)

var textLink = regexp.MustCompile(`(?i)\b(?:https?://|mailto:)[^\s<>"'\x60\x00-\x1f\x7f]+`)

// LinkifyText escapes plain text for HTML and turns http, https and mailto
// URLs into links (mailto: ones to the compose page, ComposeMailtoURL) that open in a new tab without leaking the opener or the
// referrer (target="_blank" rel="noopener noreferrer"). Line breaks are
// kept as they are: show the result with white-space: pre-wrap.
func LinkifyText(text string) string {
	var out strings.Builder
	out.Grow(len(text) + len(text)/8)
	last := 0
	for _, m := range textLink.FindAllStringIndex(text, -1) {
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
