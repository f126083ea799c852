package mime

import "testing"

func TestBuildHTMLToText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"paragraphs", "<p>One</p><p>Two\n  lines</p>", "One\n\nTwo lines\n"},
		{"line breaks", "a<br>b<br/>c", "a\nb\nc\n"},
		{"divs", "<div>first</div><div>second</div>", "first\nsecond\n"},
		{"link", `Read <a href="https://example.org/x">the docs</a> now`, "Read the docs <https://example.org/x> now\n"},
		{"link same as text", `<a href="https://example.org/">https://example.org/</a>`, "https://example.org/\n"},
		{"link text is bare host", `<a href="https://example.org/">example.org</a>`, "example.org\n"},
		{"mailto", `<a href="mailto:bob@example.org">Bob</a>`, "Bob <mailto:bob@example.org>\n"},
		{"javascript link dropped", `<a href="javascript:alert(1)">click</a>`, "click\n"},
		{"unordered list", "<ul><li>one</li><li>two</li></ul>", "- one\n- two\n"},
		{"ordered nested", "<ol><li>a<ul><li>x</li></ul></li><li>b</li></ol>", "1. a\n  - x\n2. b\n"},
		{"blockquote", "<p>I agree.</p><blockquote><p>Quoted one</p><p>Quoted two</p></blockquote><p>After</p>",
			"I agree.\n\n> Quoted one\n>\n> Quoted two\n\nAfter\n"},
		{"nested blockquote", "<blockquote>outer<blockquote>inner</blockquote></blockquote>", "> outer\n>\n>> inner\n"},
		{"script and style dropped", "<style>p{color:red}</style><script>alert(1)</script><p>visible</p>", "visible\n"},
		{"head dropped", "<html><head><title>T</title></head><body>body</body></html>", "body\n"},
		{"entities", "Fish &amp; chips &lt;3 &eacute;", "Fish & chips <3 é\n"},
		{"pre keeps spacing", "<pre>a  b\n  c</pre>", "a  b\n  c\n"},
		{"image alt", `<img src="cid:x" alt="Logo"> text`, "[Logo] text\n"},
		{"table", "<table><tr><td>Name</td><td>Value</td></tr><tr><td>a</td><td>1</td></tr></table>", "Name Value\na 1\n"},
		{"hr", "a<hr>b", "a\n\n----------\n\nb\n"},
		{"stray brackets stay text", "<<p>>x</b></i>", "<\n\n>x\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := HTMLToText(tc.in); got != tc.want {
				t.Errorf("HTMLToText(%q) =\n%q\nwant\n%q", tc.in, got, tc.want)
			}
		})
	}
}
