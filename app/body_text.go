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

// maxQuoteNesting is how many quote levels fold inside one another; deeper
// marks stay as text. Without a bound, one line of 100,000 ">" nested as
// many boxes, at a cost growing with the square of its length on every view.
const maxQuoteNesting = 8

// textBodyHTML renders a text body for display (already unflowed when it
// was format=flowed: see package mime): escaped, links clickable, and each
// quoted block ("> ") a <blockquote> inside a <details>, so it folds
// without JavaScript. The quote that ends the message (the usual "what you
// wrote" below a reply) starts folded when it is long; quotes between the
// writer's own lines stay open, they are the context of an answer.
func textBodyHTML(ctx context.Context, text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/4)
	writeTextLevel(ctx, &b, strings.Split(strings.TrimRight(text, "\n"), "\n"), 0)
	return b.String()
}

// writeTextLevel writes lines whose quote marks one level up are already
// stripped. level is how deep in quotes they are: 0 for the message's own
// lines.
func writeTextLevel(ctx context.Context, b *strings.Builder, lines []string, level int) {
	for i := 0; i < len(lines); {
		j := i
		if !quoted(lines[i]) || level >= maxQuoteNesting {
			for j < len(lines) && (!quoted(lines[j]) || level >= maxQuoteNesting) {
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
		for j < len(lines) && quoted(lines[j]) {
			j++
		}
		inner := make([]string, 0, j-i)
		for _, line := range lines[i:j] {
			inner = append(inner, unquoteLine(line))
		}
		last := level == 0 && restIsBlank(lines[j:])
		b.WriteString(`<details class="quote"`)
		if !last || j-i < quoteFoldLines {
			b.WriteString(` open`)
		}
		b.WriteString(`><summary>`)
		b.WriteString(htmlEscape(i18n.N(ctx, j-i, "Quoted text, %d line", "Quoted text, %d lines")))
		b.WriteString(`</summary><blockquote>`)
		writeTextLevel(ctx, b, inner, level+1)
		b.WriteString(`</blockquote></details>`)
		i = j
	}
}

// quoted reports whether a line starts with a quote mark (">", "> >" and
// ">>" alike); an indented ">" is not one.
func quoted(line string) bool { return strings.HasPrefix(line, ">") }

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
