package htmlsafe_test

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/webmail/webmail/mail/htmlsafe"
	"github.com/webmail/webmail/mail/internal/mailtest"
	"github.com/webmail/webmail/mail/mime"
)

// proxyPrefix is where the fuzzed documents' remote images must point.
const proxyPrefix = "/proxy/image?url="

// FuzzSanitize: whatever HTML a mail carries, the sanitized output can
// run nothing (mailtest.AssertNoActiveContent) and loads nothing from
// elsewhere: every resource it loads by itself is an inline raster data:
// image, a mapped cid: part, or, with remote content allowed, our proxy.
// Seeds: the HTML bodies of the shared MIME corpus (read at run time) and
// a few hostile snippets.
func FuzzSanitize(f *testing.F) {
	for _, name := range mailtest.CorpusFiles(f) {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if msg, err := mime.ParseMessage(raw); err == nil && msg.HTML != "" {
			f.Add(msg.HTML, false)
			f.Add(msg.HTML, true)
		}
	}
	for _, s := range []string{
		`<img src="https://t.example/p.gif" srcset="//a.example/1.png 1x, https://b.example/2.png 2x">`,
		`<div style="background:url(&quot;https://x.example/a.png&quot;)">x</div><style>p{background:u\72l(https://y.example/)}</style>`,
		`<svg><script>alert(1)</script></svg><math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
		`<a href="jav&#x09;ascript:alert(1)">x</a><img src=x onerror=alert(1)>`,
		`<table background="cid:logo@x"><tr><td style="background-image:url(cid:logo@x)">`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, allowRemote bool) {
		out, _ := htmlsafe.Sanitize(in, htmlsafe.Options{
			AllowRemote: allowRemote,
			RemoteURL:   func(remote string) string { return proxyPrefix + url.QueryEscape(remote) + "&sig=s" },
			CIDURL:      func(cid string) string { return "data:image/png;base64,AAAA" },
		})
		mailtest.AssertNoActiveContent(t, "fuzzed input", out)
		assertLoadsNothingRemote(t, out)
	})
}

// assertLoadsNothingRemote checks every URL the browser would load by
// itself in doc: attributes that load, and url() in style attributes and
// <style>.
func assertLoadsNothingRemote(t *testing.T, out string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch strings.ToLower(a.Key) {
				case "src", "background", "poster", "lowsrc", "dynsrc", "data":
					checkLoad(t, n.Data, a.Key, a.Val)
				case "srcset":
					for _, cand := range strings.Split(a.Val, ",") {
						if fields := strings.Fields(cand); len(fields) > 0 {
							checkLoad(t, n.Data, a.Key, fields[0])
						}
					}
				case "style":
					checkCSS(t, n.Data, a.Val)
				}
			}
			if n.Data == "style" && n.FirstChild != nil {
				checkCSS(t, "style", n.FirstChild.Data)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

func checkLoad(t *testing.T, element, attr, v string) {
	t.Helper()
	v = strings.TrimSpace(v)
	lower := strings.ToLower(v)
	for _, ok := range []string{"data:image/png;", "data:image/gif;", "data:image/jpeg;", "data:image/jpg;", "data:image/webp;", proxyPrefix} {
		if strings.HasPrefix(lower, ok) {
			return
		}
	}
	t.Errorf("<%s %s=%q> loads something not ours", element, attr, v)
}

func checkCSS(t *testing.T, where, css string) {
	t.Helper()
	lower := strings.ToLower(css)
	for rest := lower; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			break
		}
		arg := strings.Trim(strings.TrimSpace(rest[i+4:]), `"'`)
		checkLoad(t, where, "url()", arg)
		rest = rest[i+4:]
	}
	if strings.Contains(lower, "@import") || strings.Contains(lower, "expression(") || strings.Contains(lower, "\\") {
		t.Errorf("%s: CSS %q", where, css)
	}
}
