package mime

import (
	"strings"

	"golang.org/x/net/html"
)

// maxHTMLText bounds the plain text rendered from one HTML body.
const maxHTMLText = 4 << 20

// htmlToText renders HTML as plain text for the Text of HTML-only messages
// and for replies: block elements become line breaks, list items get a
// dash, white space collapses outside <pre>, and invisible content (head,
// scripts, styles) is dropped.
func htmlToText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	w := &textWriter{space: true}
	skip, pre := 0, 0 // depth inside invisible elements and <pre>
	pendingSpace := false
	for w.b.Len() < maxHTMLText {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			if skip > 0 {
				continue
			}
			text := string(z.Text())
			if pre > 0 {
				w.write(text)
				continue
			}
			if text == "" {
				continue
			}
			// Words of adjacent text nodes ("<b>Hel</b>lo") join unless
			// white space separated them.
			pendingSpace = pendingSpace || isHTMLSpace(rune(text[0]))
			for i, word := range strings.FieldsFunc(text, isHTMLSpace) {
				if (i > 0 || pendingSpace) && !w.space {
					w.write(" ")
				}
				w.write(word)
				pendingSpace = false
			}
			pendingSpace = isHTMLSpace(rune(text[len(text)-1]))
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			opening := tt == html.StartTagToken
			closing := tt == html.EndTagToken
			switch string(name) {
			case "head", "script", "style", "title", "template", "noscript":
				if opening {
					skip++
				} else if closing && skip > 0 {
					skip--
				}
			case "pre":
				if opening {
					pre++
				} else if closing && pre > 0 {
					pre--
				}
				w.lineBreaks(1)
			case "br":
				w.write("\n")
			case "p", "div", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "hr":
				w.lineBreaks(2)
			case "tr", "section", "article", "header", "footer", "dl", "dt", "dd":
				w.lineBreaks(1)
			case "li":
				if !closing {
					w.lineBreaks(1)
					w.write("- ")
				}
			case "td", "th":
				if closing {
					pendingSpace = true
				}
			}
		}
	}
	return strings.TrimSpace(w.b.String())
}

// textWriter builds the text and remembers how many line breaks end it, so
// block elements add breaks without rescanning the output.
type textWriter struct {
	b        strings.Builder
	trailing int  // line breaks at the end of b
	space    bool // b ends with white space (or is empty)
}

func (w *textWriter) write(s string) {
	if s == "" {
		return
	}
	w.b.WriteString(s)
	trimmed := strings.TrimRight(s, "\n")
	if trimmed == "" {
		w.trailing += len(s)
	} else {
		w.trailing = len(s) - len(trimmed)
	}
	last := s[len(s)-1]
	w.space = last == ' ' || last == '\n'
}

// lineBreaks makes the text end with at least n line breaks, except at the
// very start.
func (w *textWriter) lineBreaks(n int) {
	if w.b.Len() == 0 {
		return
	}
	for w.trailing < n {
		w.write("\n")
	}
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}
