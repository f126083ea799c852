package app

import (
	"context"
	"strings"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/mail/htmlsafe"
)

// quoteFoldLines is how long a quote at the end of a message must be
// before it starts folded: a short one reads faster than a toggle.
const quoteFoldLines = 4

// textBodyHTML renders a text body for display (already unflowed when it
// was format=flowed: see package mime): escaped, links clickable, and each
// quoted block ("> ") a <blockquote> inside a <details>, so it folds
// without JavaScript. The quote that ends the message (the usual "what you
// wrote" below a reply) starts folded when it is long; quotes between the
// writer's own lines stay open, they are the context of an answer.
func textBodyHTML(ctx context.Context, text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/4)
	writeTextLevel(ctx, &b, strings.Split(strings.TrimRight(text, "\n"), "\n"), true)
	return b.String()
}

// writeTextLevel writes lines whose quote marks one level up are already
// stripped. top says these are the message's own lines (not a quote).
func writeTextLevel(ctx context.Context, b *strings.Builder, lines []string, top bool) {
	for i := 0; i < len(lines); {
		j := i
		if quoteDepth(lines[i]) == 0 {
			for j < len(lines) && quoteDepth(lines[j]) == 0 {
				j++
			}
			run := strings.Join(lines[i:j], "\n")
			if strings.TrimSpace(run) != "" {
				b.WriteString(`<div class="para">`)
				b.WriteString(htmlsafe.LinkifyText(strings.Trim(run, "\n")))
				b.WriteString(`</div>`)
			}
			i = j
			continue
		}
		for j < len(lines) && quoteDepth(lines[j]) > 0 {
			j++
		}
		inner := make([]string, 0, j-i)
		for _, line := range lines[i:j] {
			inner = append(inner, unquoteLine(line))
		}
		last := top && restIsBlank(lines[j:])
		b.WriteString(`<details class="quote"`)
		if !last || j-i < quoteFoldLines {
			b.WriteString(` open`)
		}
		b.WriteString(`><summary>`)
		b.WriteString(htmlEscape(i18n.N(ctx, j-i, "Quoted text, %d line", "Quoted text, %d lines")))
		b.WriteString(`</summary><blockquote>`)
		writeTextLevel(ctx, b, inner, false)
		b.WriteString(`</blockquote></details>`)
		i = j
	}
}

// quoteDepth counts a line's quote marks: ">", "> >" and ">>" alike.
func quoteDepth(line string) int {
	depth := 0
	for _, r := range line {
		switch r {
		case '>':
			depth++
		case ' ':
			if depth == 0 {
				return 0 // an indented ">" is not a quote mark
			}
		default:
			return depth
		}
	}
	return depth
}

// unquoteLine strips one quote mark and the space after it.
func unquoteLine(line string) string {
	line = strings.TrimPrefix(line, ">")
	return strings.TrimPrefix(line, " ")
}

// restIsBlank reports whether only blank lines or a signature follow.
func restIsBlank(lines []string) bool {
	for _, line := range lines {
		if line == "-- " || line == "--" {
			return true
		}
		if strings.TrimSpace(line) != "" {
			return false
		}
	}
	return true
}

var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

func htmlEscape(s string) string { return textEscaper.Replace(s) }
