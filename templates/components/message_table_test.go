package components

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/a-h/templ"
)

// TestRowClassesAsTemplWroteThem: the written-out class combinations of a
// row and of its subject cell are what class={ ... } made of the same
// markers, for every combination.
func TestRowClassesAsTemplWroteThem(t *testing.T) {
	for combination := range 16 {
		m := MessageRow{Unread: combination&1 != 0, Flagged: combination&2 != 0}
		if combination&4 != 0 {
			m.Depth = 2
		}
		if combination&8 != 0 {
			m.ThreadSize = 3
		}
		want := templ.CSSClasses{"msg", templ.KV("unread", m.Unread), templ.KV("flagged", m.Flagged),
			templ.KV("reply", m.Depth > 0), templ.KV("thread-root", m.ThreadSize > 0)}.String()
		if got := rowClass(&m); got != want {
			t.Errorf("row %+v: class %q, want %q", m, got, want)
		}
	}
	for _, depth := range []int{-1, 0, 1, 5, 8, 9, 40} {
		want := templ.CSSClasses{"subject", fmt.Sprintf("indent-%d", min(max(depth, 0), 8))}.String()
		if got := subjectClass(depth); got != want {
			t.Errorf("depth %d: class %q, want %q", depth, got, want)
		}
	}
}

// TestTextEscapesAsTemplDoes: text writes what { s } wrote.
func TestTextEscapesAsTemplDoes(t *testing.T) {
	for _, s := range []string{"", "plain", `<script>alert("x")</script>`, "Tom & Jerry's “quote”"} {
		var b strings.Builder
		if err := text(s).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if want := templ.EscapeString(s); b.String() != want {
			t.Errorf("text(%q) = %q, want %q", s, b.String(), want)
		}
	}
}
