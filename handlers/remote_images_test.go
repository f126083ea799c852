package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/webmail/webmail/mail/imageproxy"
)

var proxyPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7, 8, 9}, 50)...)

// remoteImageHost serves a PNG and an SVG on 127.0.0.2, the sender's
// image server, and records who asked.
type remoteImageHost struct {
	port   string
	mu     sync.Mutex
	agents []string // User-Agent of each request
}

func newRemoteImageHost(t *testing.T) *remoteImageHost {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &remoteImageHost{}
	_, h.port, _ = net.SplitHostPort(ln.Addr().String())
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.agents = append(h.agents, r.UserAgent())
		h.mu.Unlock()
		if strings.HasSuffix(r.URL.Path, ".svg") {
			w.Header().Set("Content-Type", "image/svg+xml")
			w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(proxyPNG)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return h
}

func (h *remoteImageHost) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.agents...)
}

// localImages is the image proxy's fetcher for tests: images.example.test
// resolves to 127.0.0.2, the one address allowed (the real policy refuses
// loopback, see TestImageProxyRefusesInternalHosts).
func localImages(d *testServerDeps) {
	d.Images = imageproxy.New(imageproxy.Options{
		Allow: func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.2") },
		Resolve: func(context.Context, string) ([]netip.Addr, error) {
			return []netip.Addr{netip.MustParseAddr("127.0.0.2")}, nil
		},
	})
}

func remoteImageEML(port string) []byte {
	return []byte("From: Shop <news@shop.example>\r\nTo: reader@example.test\r\nSubject: Pictures\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n\r\n" +
		`<p>Hello</p><img src="http://images.example.test:` + port + `/photo.png" alt="photo">` +
		`<img src="http://images.example.test:` + port + `/logo.svg" alt="logo">` +
		`<div style="background:url(https://elsewhere.example/bg.png)">x</div>` + "\r\n")
}

// fetchFrom GETs path with the browser's session and Sec-Fetch-Site
// set to site ("" sends none).
func (f *msgFixture) fetchFrom(t *testing.T, path, site string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.http.URL+path, nil)
	if site != "" {
		req.Header.Set("Sec-Fetch-Site", site)
	}
	resp, err := f.browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp, b.String()
}

var proxySrc = regexp.MustCompile(`/proxy/image\?[^"' )]+`)

// TestRemoteImagesOnlyFromOurOwnPages (issue 10, finding 7): ?images=1
// switches remote images on only when the browser says the request comes
// from our own origin; a link from another site (or a mail) cannot. Once
// on, remote images point at our proxy, and the body's CSP allows images
// from data: and our own origin only.
func TestRemoteImagesOnlyFromOurOwnPages(t *testing.T) {
	f := newMsgFixture(t)
	uid := f.appendMessages(t, "INBOX", remoteImageEML("8080"))[0]
	base := fmt.Sprintf("/mail/INBOX/%d", uid)

	for _, site := range []string{"cross-site", "same-site", "none", ""} {
		resp, body := f.fetchFrom(t, base+"/body?images=1", site)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, "images.example.test") || proxySrc.MatchString(body) {
			t.Errorf("body ?images=1 with Sec-Fetch-Site %q: %d, remote images on: %s", site, resp.StatusCode, body)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src data:;") {
			t.Errorf("body ?images=1 with Sec-Fetch-Site %q: CSP %q allows more than data:", site, csp)
		}
		_, page := f.fetchFrom(t, base+"?images=1", site)
		if !strings.Contains(page, `src="`+base+`/body"`) || !strings.Contains(page, `data-testid="remote-blocked"`) {
			t.Errorf("message ?images=1 with Sec-Fetch-Site %q showed remote images", site)
		}
		_, printed := f.fetchFrom(t, base+"/print?images=1", site)
		if proxySrc.MatchString(printed) {
			t.Errorf("print ?images=1 with Sec-Fetch-Site %q showed remote images", site)
		}
	}

	_, page := f.fetchFrom(t, base+"?images=1", "same-origin")
	if !strings.Contains(page, `src="`+base+`/body?images=1"`) {
		t.Errorf("the show-images click did not show images: %s", page)
	}
	resp, body := f.fetchFrom(t, base+"/body?images=1", "same-origin")
	csp := resp.Header.Get("Content-Security-Policy")
	// The body document is same-origin: its images may come from the
	// image proxy's path only, never from another page of ours.
	if !strings.Contains(csp, "img-src data: "+f.http.URL+"/proxy/image;") || strings.Contains(csp, "img-src data: 'self'") || strings.Contains(csp, "https:") || strings.Contains(csp, "http:;") {
		t.Errorf("body CSP with images %q: want img-src data: and our image proxy only", csp)
	}
	srcs := proxySrc.FindAllString(body, -1)
	if len(srcs) != 3 {
		t.Fatalf("want 3 proxied images (2 img, 1 background), got %d: %s", len(srcs), body)
	}
	if strings.Contains(body, `src="http`) || strings.Contains(body, "url(https") || strings.Contains(body, "url(\"https") {
		t.Errorf("a remote URL survived unproxied: %s", body)
	}
	_, printed := f.fetchFrom(t, base+"/print?images=1", "same-origin")
	if !proxySrc.MatchString(printed) {
		t.Errorf("print from our own page shows no proxied images: %s", printed)
	}
}

// TestImageProxy: the proxy serves the PNG a body points at, with a type
// from its bytes, nosniff and a sandbox; refuses the SVG, a URL with a
// signature made for another, an unsigned one; and every fetch reaches the
// sender's server from the proxy, not from the browser.
func TestImageProxy(t *testing.T) {
	host := newRemoteImageHost(t)
	f := newMsgFixture(t, localImages)
	uid := f.appendMessages(t, "INBOX", remoteImageEML(host.port))[0]
	_, body := f.fetchFrom(t, fmt.Sprintf("/mail/INBOX/%d/body?images=1", uid), "same-origin")
	var png, svg string
	for _, src := range proxySrc.FindAllString(body, -1) {
		src = html.UnescapeString(src)
		switch {
		case strings.Contains(src, url.QueryEscape("/photo.png")):
			png = src
		case strings.Contains(src, url.QueryEscape("/logo.svg")):
			svg = src
		}
	}
	if png == "" || svg == "" {
		t.Fatalf("no proxied image URLs in %s", body)
	}
	// Not behind the session: the sandboxed body sends no cookie.
	resp, err := http.Get(f.http.URL + png)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	got.ReadFrom(resp.Body)
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != http.StatusOK || h.Get("Content-Type") != "image/png" || !bytes.Equal(got.Bytes(), proxyPNG) ||
		h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("proxied PNG: %d %q %d bytes, headers %v", resp.StatusCode, h.Get("Content-Type"), got.Len(), h)
	}
	pngURL, _ := url.Parse(png)
	svgURL, _ := url.Parse(svg)
	swapped := pngURL.Path + "?url=" + url.QueryEscape(svgURL.Query().Get("url")) + "&sig=" + pngURL.Query().Get("sig")
	unsigned := pngURL.Path + "?url=" + url.QueryEscape("http://images.example.test:"+host.port+"/photo.png")
	for _, u := range []string{svg, swapped, unsigned, "/proxy/image"} {
		resp, _ := f.fetchFrom(t, u, "")
		if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") == "image/svg+xml" {
			t.Errorf("%s: %d %q, want 404", u, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	for _, agent := range host.requests() {
		if agent != "webmail-image-proxy" {
			t.Errorf("the sender's server was reached by %q, not by the proxy", agent)
		}
	}
}

// TestImageProxyRefusesInternalHosts: with the real policy, a mail whose
// image is on a loopback address gets nothing through the proxy, and the
// host is never reached.
func TestImageProxyRefusesInternalHosts(t *testing.T) {
	host := newRemoteImageHost(t)
	f := newMsgFixture(t)
	eml := bytes.ReplaceAll(remoteImageEML(host.port), []byte("images.example.test"), []byte("127.0.0.2"))
	uid := f.appendMessages(t, "INBOX", eml)[0]
	_, body := f.fetchFrom(t, fmt.Sprintf("/mail/INBOX/%d/body?images=1", uid), "same-origin")
	srcs := proxySrc.FindAllString(body, -1)
	if len(srcs) == 0 {
		t.Fatalf("no proxied images in %s", body)
	}
	for _, src := range srcs {
		if resp, _ := f.fetchFrom(t, html.UnescapeString(src), ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", src, resp.StatusCode)
		}
	}
	if n := len(host.requests()); n != 0 {
		t.Fatalf("the loopback host was reached %d times", n)
	}
}

// TestRemoteImagesInChromium: in a real browser, "show images" loads the
// remote image through the proxy into the sandboxed body: the body's CSP
// allows it, the proxy (which gets no cookie from the sandboxed frame)
// serves it, and the sender's server sees only the proxy.
func TestRemoteImagesInChromium(t *testing.T) {
	host := newRemoteImageHost(t)
	f := newMsgFixture(t, localImages)
	uid := f.appendMessages(t, "INBOX", remoteImageEML(host.port))[0]
	ctx := f.chromium(t)
	run(t, ctx, "open the message", chromedp.Navigate(f.http.URL+fmt.Sprintf("/mail/INBOX/%d", uid)),
		chromedp.WaitVisible(`[data-testid="show-images"]`))
	if n := len(host.requests()); n != 0 {
		t.Fatalf("images were fetched before the user asked: %d", n)
	}
	run(t, ctx, "show images", chromedp.Click(`[data-testid="show-images"]`), chromedp.WaitVisible(`iframe[data-testid="html-body"]`))
	deadline := time.Now().Add(15 * time.Second)
	for len(host.requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	agents := host.requests()
	if len(agents) == 0 {
		t.Fatal("the remote image never loaded through the proxy")
	}
	for _, agent := range agents {
		if agent != "webmail-image-proxy" {
			t.Errorf("the sender's server was reached by %q, not by the proxy", agent)
		}
	}
}
