package htmlsafe

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// preparer is Sanitize's first pass: it rewrites the token stream so
// that every URL and every piece of CSS that reaches bluemonday has already
// been checked against Options.
type preparer struct {
	css    cssFilter
	out    strings.Builder
	styles strings.Builder // filtered contents of all <style> elements
}

func (p *preparer) run(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	p.out.Grow(len(src))
	rawText := "" // the raw-text element whose content comes next
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			if tt == html.StartTagToken && isRawTextElement(tok.Data) {
				rawText = tok.Data
			}
			switch tok.Data {
			case "style", "title", "noscript", "noembed", "noframes", "iframe", "script":
				continue // the element goes, and its content below
			case "body":
				// <body> itself is dropped by bluemonday; a div keeps the
				// colors and fonts the sender gave the whole message.
				tok.Data, tok.DataAtom = "div", 0
			case "xmp", "plaintext", "listing", "textarea":
				// Raw-text elements bluemonday would drop: their text is
				// re-escaped below, so show it as preformatted text.
				tok.Data, tok.DataAtom = "pre", 0
			}
			tok.Attr = p.attrs(tok.Data, tok.Attr)
		case html.EndTagToken:
			rawText = ""
			switch tok.Data {
			case "style", "title", "noscript", "noembed", "noframes", "iframe", "script":
				continue
			case "body":
				tok.Data, tok.DataAtom = "div", 0
			case "xmp", "plaintext", "listing", "textarea":
				tok.Data, tok.DataAtom = "pre", 0
			}
		case html.TextToken:
			switch rawText {
			case "style":
				// The tokenizer returns a <style> element's content as one
				// raw text token.
				if p.styles.Len() < maxStyleBytes {
					p.styles.WriteString(p.css.stylesheet(tok.Data))
				}
				continue
			case "title", "noscript", "noembed", "noframes", "iframe", "script":
				continue
			}
		}
		p.out.WriteString(tok.String())
	}
	return p.out.String()
}

// isRawTextElement lists the elements whose content the tokenizer returns
// as raw text rather than as tokens.
func isRawTextElement(tag string) bool {
	switch tag {
	case "iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp":
		return true
	}
	return false
}

// attrs filters the attributes of one element.
func (p *preparer) attrs(tag string, attrs []html.Attribute) []html.Attribute {
	out := attrs[:0]
	hasHref := false
	for _, a := range attrs {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" || strings.HasPrefix(key, "on") {
			continue
		}
		switch key {
		case "style":
			v := p.css.declarations(a.Val)
			if v == "" {
				continue
			}
			a.Val = v
		case "src", "srcset":
			if tag != "img" {
				continue // scripts, frames, embeds...: the element goes anyway
			}
			resolve := p.resource
			if key == "srcset" {
				resolve = p.srcset
			}
			v, ok := resolve(a.Val)
			if !ok {
				continue
			}
			a.Val = v
		case "poster", "lowsrc", "dynsrc", "data", "action", "formaction":
			continue
		case "background":
			v, ok := p.resource(a.Val)
			if !ok {
				continue
			}
			a.Val = v
		case "href":
			if tag != "a" {
				continue // <link>, <base>, <area>, SVG: never followed
			}
			v, ok := p.link(a.Val)
			if !ok {
				continue
			}
			a.Val = v
			hasHref = !strings.HasPrefix(v, "#")
		case "target", "rel", "xmlns":
			continue
		}
		out = append(out, a)
	}
	if hasHref {
		out = append(out,
			html.Attribute{Key: "target", Val: "_blank"},
			html.Attribute{Key: "rel", Val: "noopener noreferrer"})
	}
	return out
}

// resource checks the URL of something the browser would load by itself
// (an image, a background). It returns the URL to use and whether to keep
// it; remote URLs are kept only with AllowRemote, and their removal is
// recorded so the user can be offered to load them.
func (p *preparer) resource(raw string) (string, bool) {
	return p.css.resource(raw)
}

// srcset keeps a srcset only if all its candidates pass resource.
func (p *preparer) srcset(raw string) (string, bool) {
	var kept []string
	ok := true
	for _, cand := range strings.Split(raw, ",") {
		fields := strings.Fields(cand)
		if len(fields) == 0 {
			continue
		}
		u, keep := p.resource(fields[0])
		if !keep {
			ok = false
			continue
		}
		fields[0] = u
		kept = append(kept, strings.Join(fields, " "))
	}
	if !ok || len(kept) == 0 {
		return "", false
	}
	return strings.Join(kept, ", "), true
}

// link checks a link target: http, https, mailto and tel, in-page anchors,
// and cid: references mapped by CIDURL. javascript:, data:, vbscript:,
// file: and relative URLs (which would point into the webmail itself) are
// dropped. The tokenizer has already decoded character references, so
// "JaVaScRiPt&#58;" arrives here as "JaVaScRiPt:".
func (p *preparer) link(raw string) (string, bool) {
	v := strings.TrimSpace(raw)
	if strings.HasPrefix(v, "#") {
		return v, len(v) > 1 && !strings.ContainsAny(v, "\"'<>\\ \t\r\n")
	}
	if cid, ok := cutPrefixFold(v, "cid:"); ok {
		return p.css.mapCID(cid)
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
		return u.String(), true
	case "mailto":
		if p.css.opts.KeepMailto {
			return u.String(), true
		}
		return ComposeMailtoURL(u.String()), true
	case "tel":
		return u.String(), true
	}
	return "", false
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
