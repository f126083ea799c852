package htmlsafe

import (
	"net/url"
	"strings"
	"testing"
)

// TestSanitizeRemoteThroughProxy: with RemoteURL set, every remote
// resource the browser would load by itself (img src, srcset, background,
// CSS url() in style attributes and <style> blocks) points at the proxy
// and no remote origin survives; links are not rewritten.
func TestSanitizeRemoteThroughProxy(t *testing.T) {
	proxy := func(remote string) string { return "/proxy/image?url=" + url.QueryEscape(remote) + "&sig=s" }
	in := `<style>.x{background:url(https://css.example/bg.png)}</style>` +
		`<img src="http://img.example/a.png">` +
		`<img srcset="https://img.example/1x.png 1x, //img.example/2x.png 2x">` +
		`<table background="https://img.example/t.gif"><tr><td style="background-image:url('https://img.example/c.png')">x</td></tr></table>` +
		`<a href="https://link.example/page">link</a>`
	out, blocked := Sanitize(in, Options{AllowRemote: true, RemoteURL: proxy})
	if blocked {
		t.Error("reported blocked content though remote content was allowed")
	}
	for _, want := range []string{
		`/proxy/image?url=` + url.QueryEscape("https://css.example/bg.png"),
		`src="/proxy/image?url=` + url.QueryEscape("http://img.example/a.png"),
		url.QueryEscape("https://img.example/1x.png") + `&amp;sig=s 1x, /proxy/image?url=` + url.QueryEscape("https://img.example/2x.png"),
		`background="/proxy/image?url=` + url.QueryEscape("https://img.example/t.gif"),
		url.QueryEscape("https://img.example/c.png"),
		`href="https://link.example/page"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	rest := strings.ReplaceAll(out, `href="https://link.example/page"`, "")
	for _, origin := range []string{"//img.example", "//css.example"} {
		if strings.Contains(rest, origin) {
			t.Errorf("a remote origin %s survived unproxied:\n%s", origin, out)
		}
	}
	// A URL the proxy will not take is dropped.
	out, _ = Sanitize(`<img src="https://img.example/a.png">`, Options{AllowRemote: true, RemoteURL: func(string) string { return "" }})
	if strings.Contains(out, "img.example") || strings.Contains(out, "src=") {
		t.Errorf("a refused remote URL survived: %s", out)
	}
}
