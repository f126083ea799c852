package mime

import (
	"sort"
	"strconv"
	"strings"
)

// maxParams bounds the parameters read from one Content-Type or
// Content-Disposition value.
const maxParams = 64

// parseParamHeader splits a Content-Type or Content-Disposition value into
// its lower-cased first token and its parameters. It is deliberately more
// lenient than mime.ParseMediaType, which rejects whole headers for a
// duplicate parameter, a missing closing quote or an unquoted tspecial:
// the first occurrence of a parameter wins, an unterminated quote runs to
// the end, unquoted values run to the next ';'. RFC 2231 continuations and
// charsets (any charset, not only UTF-8) and the common non-standard RFC
// 2047 words inside quoted values are decoded.
func parseParamHeader(v string) (token string, params map[string]string) {
	head, rest, _ := strings.Cut(v, ";")
	token = strings.ToLower(strings.TrimSpace(head))
	raw := splitParams(rest)
	return token, decodeParams(raw)
}

type rawParam struct {
	name, value string
}

func splitParams(s string) []rawParam {
	var out []rawParam
	seen := map[string]bool{}
	i := 0
	for i < len(s) && len(out) < maxParams {
		for i < len(s) && (s[i] == ';' || s[i] == ' ' || s[i] == '\t') {
			i++
		}
		start := i
		for i < len(s) && s[i] != '=' && s[i] != ';' {
			i++
		}
		if i >= len(s) || s[i] == ';' {
			continue // a parameter without a value
		}
		name := strings.ToLower(strings.TrimSpace(s[start:i]))
		i++ // '='
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		var value string
		if i < len(s) && s[i] == '"' {
			var b strings.Builder
			i++
			for i < len(s) && s[i] != '"' {
				// Only \" and \\ are treated as quoted pairs: Windows paths
				// in the wild use lone backslashes.
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				b.WriteByte(s[i])
				i++
			}
			i++ // closing quote, or past the end when it is missing
			value = b.String()
			for i < len(s) && s[i] != ';' {
				i++ // junk after the closing quote
			}
		} else {
			start := i
			for i < len(s) && s[i] != ';' {
				i++
			}
			value = strings.TrimSpace(s[start:i])
		}
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, rawParam{name: name, value: value})
	}
	return out
}

type paramSection struct {
	index    int
	extended bool
	value    string
}

// decodeParams applies RFC 2231 (name*=charset'lang'value and name*0, name*1*
// continuations) and decodes everything else as header text.
func decodeParams(raw []rawParam) map[string]string {
	params := make(map[string]string, len(raw))
	sections := map[string][]paramSection{}
	for _, p := range raw {
		star := strings.IndexByte(p.name, '*')
		if star < 0 {
			params[p.name] = DecodeHeaderText(p.value)
			continue
		}
		base, suffix := p.name[:star], p.name[star+1:]
		extended := strings.HasSuffix(suffix, "*") || suffix == ""
		suffix = strings.TrimSuffix(suffix, "*")
		index := 0
		if suffix != "" {
			n, err := strconv.Atoi(suffix)
			if err != nil || n < 0 || n > maxParams {
				continue
			}
			index = n
		}
		if base == "" {
			continue
		}
		sections[base] = append(sections[base], paramSection{index: index, extended: extended, value: p.value})
	}
	for base, secs := range sections {
		sort.SliceStable(secs, func(i, j int) bool { return secs[i].index < secs[j].index })
		var (
			buf     []byte
			charset string
		)
		for i, sec := range secs {
			value := sec.value
			if sec.extended {
				if i == 0 {
					if parts := strings.SplitN(value, "'", 3); len(parts) == 3 {
						charset, value = parts[0], parts[2]
					}
				}
				buf = append(buf, percentDecode(value)...)
			} else {
				buf = append(buf, value...)
			}
		}
		var text string
		if charset != "" {
			text, _ = decodeCharset(charset, buf)
		} else {
			text = DecodeHeaderText(string(buf))
		}
		// The RFC 2231 form is the more precise one when a sender gives both.
		params[base] = text
	}
	return params
}

// percentDecode decodes %XX escapes, leaving malformed ones literal.
func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

// cleanMediaType returns a lower-cased "type/subtype" from a Content-Type
// token, cutting it at the first character that cannot belong there
// ("text/plain>" gives "text/plain"); "" when nothing usable is left.
func cleanMediaType(token string) string {
	end := 0
	for end < len(token) && isMediaTypeChar(token[end]) {
		end++
	}
	mt := token[:end]
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok || typ == "" || sub == "" || strings.Contains(sub, "/") {
		return ""
	}
	return mt
}

func isMediaTypeChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&-^_.+/", c) >= 0
}
