package htmlsafe

import (
	"net/url"
	"regexp"
	"strings"
)

// Bounds on the CSS kept from one message.
const (
	maxStyleBytes = 512 << 10 // all <style> output together
	maxCSSValue   = 2000      // one declaration value
	maxCSSDepth   = 3         // @media nesting
)

// cssFilter filters CSS from style attributes and <style> elements. It
// parses only as much CSS as it needs to split rules and declarations, and
// rejects whatever it does not understand: there are no CSS escapes in its
// output (so "\75rl(" cannot spell url(), no comments, no "<", no at-rules
// but @media, and only allow-listed properties whose values contain
// neither script-like functions nor unchecked URLs.
type cssFilter struct {
	opts    Options
	blocked bool // a remote resource was removed
}

var (
	cssComment  = regexp.MustCompile(`(?s)/\*.*?(\*/|$)`)
	cssURL      = regexp.MustCompile(`(?i)\burl\s*\(`)
	cssURLArg   = regexp.MustCompile(`(?i)\burl\s*\([^)]*\)`)
	cssProperty = regexp.MustCompile(`^-?[a-z][a-z0-9-]{0,60}$`)
	cssMedia    = regexp.MustCompile(`^[a-zA-Z0-9\s(),:.\-_/]{0,300}$`)
	cssBadValue = regexp.MustCompile(`(?i)expression|javascript|vbscript|livescript|behavior|binding|image-set|image\s*\(|cross-fade|element\s*\(|attr\s*\(|var\s*\(|env\s*\(|paint\s*\(|@import|&#|\\`)
)

// declarations filters a declaration list (a style attribute or the inside
// of a rule) and returns it re-serialized, "" if nothing is left.
func (f *cssFilter) declarations(s string) string {
	s = cssComment.ReplaceAllString(s, " ")
	var kept []string
	for _, decl := range splitOutside(s, ';') {
		prop, value, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		prop = strings.ToLower(strings.TrimSpace(prop))
		if !cssProperty.MatchString(prop) || !allowedCSSProperty(unprefixCSS(prop)) {
			continue
		}
		if v, ok := f.value(value); ok {
			kept = append(kept, prop+": "+v)
		}
	}
	return strings.Join(kept, "; ")
}

// value checks one declaration value and rewrites its url() references.
func (f *cssFilter) value(v string) (string, bool) {
	v = strings.Join(strings.Fields(v), " ") // also turns line breaks into spaces
	if v == "" || len(v) > maxCSSValue || strings.ContainsAny(v, "<>{};@\\\x00\x7f") {
		return "", false
	}
	if strings.Count(v, `"`)%2 != 0 || strings.Count(v, "'")%2 != 0 {
		return "", false
	}
	for _, r := range v {
		if r < ' ' {
			return "", false
		}
	}
	// Check the value with its URL arguments blanked out, so that a URL
	// like https://example.org/javascript-guide.png does not count; the
	// URLs themselves are checked by resource below.
	if cssBadValue.MatchString(cssURLArg.ReplaceAllString(v, "url()")) {
		return "", false
	}
	if !cssURL.MatchString(v) {
		return v, true
	}
	var out strings.Builder
	rest := v
	for {
		loc := cssURL.FindStringIndex(rest)
		if loc == nil {
			out.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[loc[1]:], ')')
		if end < 0 {
			return "", false
		}
		arg := strings.TrimSpace(rest[loc[1] : loc[1]+end])
		arg = strings.Trim(arg, `"'`)
		u, ok := f.resource(arg)
		if !ok || strings.ContainsAny(u, "\"'()\\ \t") {
			return "", false
		}
		out.WriteString(rest[:loc[0]])
		out.WriteString(`url("` + u + `")`)
		rest = rest[loc[1]+end+1:]
	}
	if cssBadValue.MatchString(cssURLArg.ReplaceAllString(out.String(), "url()")) {
		return "", false
	}
	return out.String(), true
}

// resource checks a URL the browser would load by itself: cid: references
// go through CIDURL, http(s) and protocol-relative URLs need AllowRemote
// (and go through RemoteURL when it is set),
// and inline data: images (PNG, GIF, JPEG, WebP; not SVG) are kept.
// Everything else is dropped.
func (f *cssFilter) resource(raw string) (string, bool) {
	v := strings.TrimSpace(raw)
	if cid, ok := cutPrefixFold(v, "cid:"); ok {
		return f.mapCID(cid)
	}
	lower := strings.ToLower(v)
	if strings.HasPrefix(lower, "data:") {
		for _, t := range []string{"data:image/png;", "data:image/gif;", "data:image/jpeg;", "data:image/jpg;", "data:image/webp;"} {
			if strings.HasPrefix(lower, t) && !strings.ContainsAny(v, "\"'()\\<> \t\r\n") {
				return v, true
			}
		}
		return "", false
	}
	if strings.HasPrefix(v, "//") {
		v = "https:" + v
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
		if !f.opts.AllowRemote {
			f.blocked = true
			return "", false
		}
		if f.opts.RemoteURL == nil {
			return u.String(), true
		}
		proxied := f.opts.RemoteURL(u.String())
		return proxied, proxied != ""
	}
	return "", false
}

// mapCID maps a cid: reference to our own URL with CIDURL.
func (f *cssFilter) mapCID(cid string) (string, bool) {
	if f.opts.CIDURL == nil {
		return "", false
	}
	if unescaped, err := url.PathUnescape(cid); err == nil {
		cid = unescaped
	}
	cid = strings.Trim(strings.TrimSpace(cid), "<>")
	if cid == "" {
		return "", false
	}
	u := f.opts.CIDURL(cid)
	if u == "" {
		return "", false
	}
	return u, true
}

// stylesheet filters the content of a <style> element.
func (f *cssFilter) stylesheet(s string) string {
	if len(s) > maxStyleBytes {
		s = s[:maxStyleBytes]
	}
	s = cssComment.ReplaceAllString(s, " ")
	s = strings.NewReplacer("<!--", " ", "-->", " ").Replace(s)
	out := f.rules(s, 0)
	if strings.Contains(out, "<") {
		return ""
	}
	return out
}

// rules filters a list of rules: qualified rules (selector { declarations })
// and @media blocks; other at-rules (@import, @font-face, @charset...) are
// dropped with their blocks.
func (f *cssFilter) rules(s string, depth int) string {
	var out strings.Builder
	noBrace := false // no "{" left: do not scan for one again
	for i := 0; i < len(s); {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == ';' || c == '}' {
			i++
			continue
		}
		brace := -1
		if !noBrace {
			brace = indexOutside(s[i:], '{')
			noBrace = brace < 0
		}
		if c == '@' {
			// Only look for ";" before the next "{", so each byte is
			// scanned a bounded number of times.
			var semi int
			if brace >= 0 {
				semi = indexOutside(s[i:i+brace], ';')
			} else {
				semi = indexOutside(s[i:], ';')
			}
			if brace < 0 || semi >= 0 {
				if semi < 0 {
					break
				}
				i += semi + 1 // a statement at-rule: @import, @charset, @namespace
				continue
			}
			prelude := strings.TrimSpace(s[i+1 : i+brace])
			inner, next := block(s, i+brace+1)
			i = next
			name, cond, _ := strings.Cut(prelude, " ")
			if strings.EqualFold(name, "media") && depth < maxCSSDepth && cssMedia.MatchString(cond) {
				if rules := f.rules(inner, depth+1); rules != "" {
					out.WriteString("@media " + strings.Join(strings.Fields(cond), " ") + "{" + rules + "}")
				}
			}
			continue
		}
		if brace < 0 {
			break
		}
		selector := strings.Join(strings.Fields(s[i:i+brace]), " ")
		inner, next := block(s, i+brace+1)
		i = next
		if !safeSelector(selector) {
			continue
		}
		if decls := f.declarations(inner); decls != "" {
			out.WriteString(selector + "{" + decls + "}")
		}
	}
	return out.String()
}

// safeSelector accepts selectors without escapes, at-signs, braces or
// markup and with balanced quotes.
func safeSelector(sel string) bool {
	if sel == "" || len(sel) > 1000 || strings.ContainsAny(sel, "<{};@\\\x00") {
		return false
	}
	for _, r := range sel {
		if r < ' ' || r == 0x7f {
			return false
		}
	}
	return strings.Count(sel, `"`)%2 == 0 && strings.Count(sel, "'")%2 == 0
}

// block returns the content of the block whose "{" ends just before start
// and the position after its matching "}" (or the end of s).
func block(s string, start int) (inner string, next int) {
	depth := 1
	var quote byte
	for i := start; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote || c == '\n' {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return s[start:i], i + 1
			}
		}
	}
	return s[start:], len(s)
}

// indexOutside returns the index of the first sep in s that is not inside
// quotes or parentheses, or -1.
func indexOutside(s string, sep byte) int {
	var quote byte
	parens := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote || c == '\n' {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			parens++
		case c == ')' && parens > 0:
			parens--
		case c == sep && parens == 0:
			return i
		}
	}
	return -1
}

// splitOutside splits s at every sep outside quotes and parentheses (a
// data: URL contains ";").
func splitOutside(s string, sep byte) []string {
	var out []string
	for {
		i := indexOutside(s, sep)
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s = s[i+1:]
	}
}
