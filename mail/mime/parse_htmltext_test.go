package mime

import "testing"

func TestHTMLToText(t *testing.T) {
	in := `<html><head><title>T</title><style>p{}</style></head><body><p>Hello&nbsp;<b>world</b></p><p>Second
	paragraph</p><ul><li>one</li><li>two</li></ul>line<br>break<script>x()</script><table><tr><td>a</td><td>b</td></tr></table><p><b>Hel</b>lo</p><pre>  keep
  this</pre></body></html>`
	want := "Hello\u00a0world\n\nSecond paragraph\n\n- one\n- two\n\nline\nbreak\n\na b\n\nHello\n\n  keep\n  this"
	if got := htmlToText(in); got != want {
		t.Errorf("htmlToText:\n got %q\nwant %q", got, want)
	}
}
