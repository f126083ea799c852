package htmlsafe

import "testing"

func TestLinkifyText(t *testing.T) {
	const attrs = `" target="_blank" rel="noopener noreferrer">`
	tests := []struct {
		in, want string
	}{
		{"no links here", "no links here"},
		{"<b>not html</b> & more", "&lt;b&gt;not html&lt;/b&gt; &amp; more"},
		{"see https://example.org/a?b=1&c=2.", `see <a href="https://example.org/a?b=1&amp;c=2` + attrs + `https://example.org/a?b=1&amp;c=2</a>.`},
		{"(https://example.org/x)", `(<a href="https://example.org/x` + attrs + `https://example.org/x</a>)`},
		{"https://en.wikipedia.org/wiki/Foo_(bar)", `<a href="https://en.wikipedia.org/wiki/Foo_(bar)` + attrs + `https://en.wikipedia.org/wiki/Foo_(bar)</a>`},
		{"HTTP://EXAMPLE.ORG", `<a href="HTTP://EXAMPLE.ORG` + attrs + `HTTP://EXAMPLE.ORG</a>`},
		{"write to mailto:a@example.org!", `write to <a href="/compose?mailto=mailto%3Aa%40example.org` + attrs + `mailto:a@example.org</a>!`},
		{"javascript:alert(1)", "javascript:alert(1)"},
		{"ftp://example.org/file", "ftp://example.org/file"},
		{"http://", "http://"},
		{`https://example.org/"onmouseover="x`, `<a href="https://example.org/` + attrs + `https://example.org/</a>&#34;onmouseover=&#34;x`},
		{"<https://example.org/>", `&lt;<a href="https://example.org/` + attrs + `https://example.org/</a>&gt;`},
		{"line1\nhttps://a.example/\nline3", "line1\n" + `<a href="https://a.example/` + attrs + `https://a.example/</a>` + "\nline3"},
	}
	for _, tc := range tests {
		if got := LinkifyText(tc.in); got != tc.want {
			t.Errorf("LinkifyText(%q)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}
