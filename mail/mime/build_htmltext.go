package mime

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// HTMLToText renders HTML as the plain text of a multipart/alternative
// message, for recipients whose client shows text only: paragraphs and
// line breaks kept, links as "text <url>", list items as "- item" or
// "1. item", blockquotes as "> " quoting, scripts, styles and the head
// left out. It is meant for HTML the user wrote in the editor; it never
// fails, whatever it is given.
func HTMLToText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	o := &plainOut{lineStart: true}
	var (
		skip  int // depth inside elements whose text is not content
		lists []plainList
		links []plainLink
	)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimRight(o.b.String(), " \n") + "\n"
		case html.TextToken:
			if skip > 0 {
				continue
			}
			text := string(z.Text())
			o.text(text)
			if len(links) > 0 {
				links[len(links)-1].text.WriteString(text)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			nameBytes, hasAttr := z.TagName()
			name := string(nameBytes)
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			if skip > 0 {
				if skippedElement(name) && tt == html.StartTagToken {
					skip++
				}
				continue
			}
			switch name {
			case "script", "style", "head", "title", "template", "noscript", "select", "textarea":
				if tt == html.StartTagToken {
					skip++
				}
			case "br":
				o.newline()
			case "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "dl", "figure", "address":
				o.paragraph()
			case "div", "section", "article", "header", "footer", "main", "nav", "aside", "tr", "dt", "dd", "form", "fieldset":
				o.breakLine()
			case "hr":
				o.paragraph()
				o.write("----------")
				o.paragraph()
			case "blockquote":
				o.paragraph()
				o.quote++
			case "pre":
				o.paragraph()
				o.pre++
			case "ul", "ol":
				o.breakLine()
				lists = append(lists, plainList{ordered: name == "ol"})
				o.indent = strings.Repeat("  ", len(lists)-1)
			case "li":
				o.breakLine()
				marker := "- "
				if n := len(lists); n > 0 && lists[n-1].ordered {
					lists[n-1].count++
					marker = strconv.Itoa(lists[n-1].count) + ". "
				}
				o.write(marker)
			case "td", "th":
				if !o.lineStart {
					o.space = true
				}
			case "img":
				if alt := strings.TrimSpace(attrs["alt"]); alt != "" {
					o.text("[" + alt + "]")
				}
			case "a":
				links = append(links, plainLink{href: strings.TrimSpace(attrs["href"])})
			}
		case html.EndTagToken:
			nameBytes, _ := z.TagName()
			name := string(nameBytes)
			if skip > 0 {
				if skippedElement(name) {
					skip--
				}
				continue
			}
			switch name {
			case "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "dl", "figure", "address":
				o.paragraph()
			case "div", "section", "article", "header", "footer", "main", "nav", "aside", "tr", "dt", "dd", "form", "fieldset", "li":
				o.breakLine()
			case "blockquote":
				// The empty line after a quote belongs to the outer level.
				o.breakLine()
				if o.quote > 0 {
					o.quote--
				}
				o.paragraph()
			case "pre":
				o.paragraph()
				if o.pre > 0 {
					o.pre--
				}
			case "ul", "ol":
				if len(lists) > 0 {
					lists = lists[:len(lists)-1]
				}
				o.indent = strings.Repeat("  ", max(len(lists)-1, 0))
				o.breakLine()
			case "a":
				if len(links) == 0 {
					continue
				}
				link := links[len(links)-1]
				links = links[:len(links)-1]
				if showHref(link.href, link.text.String()) {
					o.text(" <" + link.href + ">")
				}
			}
		}
	}
}

func skippedElement(name string) bool {
	switch name {
	case "script", "style", "head", "title", "template", "noscript", "select", "textarea":
		return true
	}
	return false
}

type plainList struct {
	ordered bool
	count   int
}

type plainLink struct {
	href string
	text strings.Builder
}

// showHref reports whether a link's target adds something to its text:
// web and mail links whose text is not already the address.
func showHref(href, text string) bool {
	lower := strings.ToLower(href)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "mailto:") {
		return false
	}
	text = strings.Join(strings.Fields(text), " ")
	bare := strings.TrimSuffix(href, "/")
	for _, prefix := range []string{"mailto:", "https://", "http://"} {
		if strings.HasPrefix(strings.ToLower(bare), prefix) {
			bare = bare[len(prefix):]
			break
		}
	}
	return text != href && !strings.EqualFold(strings.TrimSuffix(text, "/"), bare)
}

// plainOut accumulates text with line prefixes for quoting and lists,
// collapsing whitespace outside <pre>.
type plainOut struct {
	b         strings.Builder
	quote     int
	pre       int
	indent    string
	lineStart bool
	space     bool // a space is due before the next word
	newlines  int  // line breaks at the end of b
	// blankDue is an empty line owed before the next text, and
	// blankQuote the quote level it was owed at: written lazily, so that
	// the line after a quote is not quoted and nothing trails the text.
	blankDue   bool
	blankQuote int
}

// write adds s to the current line, starting the line with its prefix.
func (o *plainOut) write(s string) {
	if s == "" {
		return
	}
	if o.blankDue {
		o.blankDue = false
		if q := min(o.quote, o.blankQuote); q > 0 {
			o.b.WriteString(strings.Repeat(">", q))
		}
		o.b.WriteByte('\n')
	}
	if o.lineStart {
		if o.quote > 0 {
			o.b.WriteString(strings.Repeat(">", o.quote) + " ")
		}
		o.b.WriteString(o.indent)
		o.lineStart = false
		o.space = false
	} else if o.space {
		o.b.WriteByte(' ')
	}
	o.space = false
	o.b.WriteString(s)
	o.newlines = 0
}

// text adds character data.
func (o *plainOut) text(s string) {
	if o.pre > 0 {
		for i, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
			if i > 0 {
				o.newline()
			}
			o.write(line)
		}
		return
	}
	if s == "" {
		return
	}
	leading := isHTMLWhitespace(s[0])
	trailing := isHTMLWhitespace(s[len(s)-1])
	words := strings.Fields(s)
	if len(words) == 0 {
		if !o.lineStart {
			o.space = true
		}
		return
	}
	if leading && !o.lineStart {
		o.space = true
	}
	o.write(words[0])
	for _, w := range words[1:] {
		o.space = true
		o.write(w)
	}
	if trailing {
		o.space = true
	}
}

func isHTMLWhitespace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// newline ends the current line; an empty quoted line keeps its ">".
func (o *plainOut) newline() {
	if o.lineStart && o.quote > 0 {
		o.b.WriteString(strings.Repeat(">", o.quote))
	}
	o.b.WriteByte('\n')
	o.lineStart = true
	o.space = false
	o.newlines++
}

// breakLine ends the current line unless it is empty.
func (o *plainOut) breakLine() {
	if !o.lineStart {
		o.newline()
	}
}

// paragraph leaves one empty line before what follows, if anything does.
func (o *plainOut) paragraph() {
	o.breakLine()
	if o.b.Len() > 0 && o.newlines < 2 && !o.blankDue {
		o.blankDue = true
		o.blankQuote = o.quote
	}
}
