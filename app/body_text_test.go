package app

import (
	"context"
	"strings"
	"testing"
)

func TestTextBodyHTML(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		text string
		want string
	}{
		{"plain", "Hello <b>you</b>\nsecond line", `<div class="para">Hello &lt;b&gt;you&lt;/b&gt;` + "\n" + `second line</div>`},
		{"link", "see https://example.org/x.", `<div class="para">see <a href="https://example.org/x" target="_blank" rel="noopener noreferrer">https://example.org/x</a>.</div>`},
		{"short trailing quote stays open", "Yes.\n\n> Is it?",
			`<div class="para">Yes.</div><details class="quote" open><summary>Quoted text, 1 line</summary><blockquote><div class="para">Is it?</div></blockquote></details>`},
		{"long trailing quote folds, signature after it", "Ok\n> a\n> b\n> c\n> d\n\n-- \nBob",
			`<div class="para">Ok</div><details class="quote"><summary>Quoted text, 4 lines</summary><blockquote><div class="para">a` + "\nb\nc\nd" + `</div></blockquote></details><div class="para">-- ` + "\nBob" + `</div>`},
		{"nested", "> a\n>> b\n> c\nme",
			`<details class="quote" open><summary>Quoted text, 3 lines</summary><blockquote><div class="para">a</div><details class="quote" open><summary>Quoted text, 1 line</summary><blockquote><div class="para">b</div></blockquote></details><div class="para">c</div></blockquote></details><div class="para">me</div>`},
		{"indented > is text", "  > not a quote\n>no space", `<div class="para">  &gt; not a quote</div><details class="quote" open><summary>Quoted text, 1 line</summary><blockquote><div class="para">no space</div></blockquote></details>`},
	}
	for _, tt := range tests {
		if got := textBodyHTML(ctx, tt.text); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
	if got := textBodyHTML(ctx, "<script>alert(1)</script>"); strings.Contains(got, "<script") {
		t.Errorf("markup kept: %s", got)
	}
}

// A line of many quote marks (a hostile message) nests at most
// maxQuoteNesting quote boxes; the rest of its marks stay as text. Each
// level used to scan the whole line again and add a box: 20,000 marks took
// most of a second and 2 MB of HTML, on every view.
func TestTextBodyDeepQuotesBounded(t *testing.T) {
	line := strings.Repeat(">", 200_000) + " hi"
	out := textBodyHTML(context.Background(), "top\n"+line+"\n")
	if n := strings.Count(out, "<blockquote>"); n != maxQuoteNesting {
		t.Errorf("%d quote boxes, want %d", n, maxQuoteNesting)
	}
	if len(out) > 5*len(line) { // "&gt;" is four bytes
		t.Errorf("%d bytes of HTML for a %d-byte line", len(out), len(line))
	}
	if !strings.Contains(out, strings.Repeat("&gt;", 1000)) || !strings.Contains(out, " hi") {
		t.Error("the marks past the last box are not shown as text")
	}
}
