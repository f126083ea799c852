package i18n

import "strings"

// fillStrings fills text whose verbs are all %s or %[n]s (and %%) with
// string args, as the printer would, without it: the printer's Sprintf
// costs a list row's label ("Select “%s” from %s") more than the rest of
// its translation, yet a string in %s needs no localizing. ok is false for
// anything else (another verb, flags or a width, an argument that is not a
// string, a missing or unused argument), which the printer then formats,
// so its error marks (%!s(MISSING), %!(EXTRA ...)) stay exactly the same.
func fillStrings(text string, args []any) (filled string, ok bool) {
	if len(args) > 64 {
		return "", false
	}
	size := len(text)
	for _, a := range args {
		s, isString := a.(string)
		if !isString {
			return "", false
		}
		size += len(s)
	}
	var b strings.Builder
	b.Grow(size)
	var used uint64
	next := 0 // fmt's rule: a plain %s takes the argument after the last one used
	for len(text) > 0 {
		percent := strings.IndexByte(text, '%')
		if percent < 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:percent])
		text = text[percent+1:]
		switch {
		case strings.HasPrefix(text, "%"):
			b.WriteByte('%')
			text = text[1:]
			continue
		case strings.HasPrefix(text, "s"):
			text = text[1:]
		case strings.HasPrefix(text, "["):
			index, rest, isIndex := argIndex(text)
			if !isIndex || !strings.HasPrefix(rest, "s") {
				return "", false
			}
			next, text = index, rest[1:]
		default:
			return "", false
		}
		if next >= len(args) {
			return "", false
		}
		b.WriteString(args[next].(string))
		used |= 1 << next
		next++
	}
	if used != 1<<len(args)-1 {
		return "", false
	}
	return b.String(), true
}

// argIndex reads fmt's explicit argument index "[n]" at the start of text:
// the zero-based index and the text after the "]".
func argIndex(text string) (index int, rest string, ok bool) {
	end := strings.IndexByte(text, ']')
	if end < 2 || end > 3 {
		return 0, "", false
	}
	n := 0
	for _, c := range text[1:end] {
		if c < '0' || c > '9' {
			return 0, "", false
		}
		n = n*10 + int(c-'0')
	}
	if n < 1 {
		return 0, "", false
	}
	return n - 1, text[end+1:], true
}
