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

// TestMessageTableEscapesMailText renders the list with text a sender
// chooses (sender, subject, preview, thread id) full of markup: every
// piece shows as text, in the row's label, link and preview alike, and
// no element or attribute of the sender's reaches the page.
func TestMessageTableEscapesMailText(t *testing.T) {
	hostile := `<script>alert("x")</script> & 'quote' <img src=x onerror=alert(1)>`
	rows := []MessageRow{
		{URL: "/mail/INBOX/7", From: hostile, Subject: hostile, Preview: hostile, Date: "<b>", Size: "1 KB",
			UID: 7, Select: "7", SelectName: "uid", Unread: true, Flagged: true, Answered: true, Attachment: true},
		{URL: "/mail/INBOX/8", From: "Ann", Subject: hostile, UID: 8, Select: "8", SelectName: "uid",
			Depth: 2, ThreadID: `t8" onclick="alert(1)`, ThreadSize: 2},
	}
	var out strings.Builder
	if err := MessageTable(rows, nil, false).Render(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	for _, raw := range []string{"<script", "<img", "<b>", `" onclick=`} {
		if strings.Contains(page, raw) {
			t.Errorf("the list carries the sender's %q as markup:\n%s", raw, page)
		}
	}
	escaped := `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quote&#39; &lt;img src=x onerror=alert(1)&gt;`
	// From (row 1), subject (both rows), preview, and the label naming both.
	if n := strings.Count(page, escaped); n < 5 {
		t.Errorf("the sender's text shows escaped %d times, want at least 5 (from, subjects, preview, labels):\n%s", n, page)
	}
	if !strings.Contains(page, "↳ </span> "+escaped) {
		t.Errorf("a reply's subject does not follow its mark and a space:\n%s", page)
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
