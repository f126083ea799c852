package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/internal/demo"
	"github.com/webmail/webmail/session"
)

// newTweakedFixture is newFixture with changes to the dependencies.
func newTweakedFixture(t *testing.T, tweak func(*testServerDeps)) *fixture {
	t.Helper()
	mailSrv, err := demo.Start(context.Background(), demo.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mailSrv.Close() })
	deps, mem := testDeps(t, mailSrv.IMAPAddr)
	tweak(&deps)
	srv := deps.server()
	hs := httptest.NewServer(srv.Routes())
	t.Cleanup(hs.Close)
	return &fixture{server: srv, http: hs, sessions: mem, mail: mailSrv, pool: deps.Pool}
}

// hostileBody is a multipart form whose one file part is size bytes of
// "x", generated as it is read; sent counts the bytes the client got to
// send.
type hostileBody struct {
	head, tail string
	size, pos  int64
	sent       *atomic.Int64
}

const hostileBoundary = "hostileboundary"

func newHostileBody(size int64, sent *atomic.Int64) *hostileBody {
	return &hostileBody{
		head: "--" + hostileBoundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nwhatever\r\n" +
			"--" + hostileBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n" +
			"Content-Type: application/octet-stream\r\n\r\n",
		tail: "\r\n--" + hostileBoundary + "--\r\n",
		size: size, sent: sent,
	}
}

func (b *hostileBody) length() int64 { return int64(len(b.head)) + b.size + int64(len(b.tail)) }

func (b *hostileBody) Read(p []byte) (int, error) {
	total := b.length()
	if b.pos >= total {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && b.pos < total {
		switch {
		case b.pos < int64(len(b.head)):
			p[n] = b.head[b.pos]
		case b.pos < int64(len(b.head))+b.size:
			p[n] = 'x'
		default:
			p[n] = b.tail[b.pos-int64(len(b.head))-b.size]
		}
		n++
		b.pos++
	}
	b.sent.Add(int64(n))
	return n, nil
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestHostileBodiesLeaveNoTempFiles: a 200 MB multipart body sent by
// anyone, to the login form, a probe or a path that does not exist, with or
// without a Content-Length, is refused with 413 and our error page after a
// small part of it was read, and leaves no file in the temp dir. It used to
// be read whole, answered 403, and left a 200 MB multipart-* file behind
// for good (the CSRF check parsed the form on a copy of the request, whose
// files Go does not clean up).
func TestHostileBodiesLeaveNoTempFiles(t *testing.T) {
	f := newFixture(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	before := dirNames(t, tmp)
	const size = 200 << 20
	for _, path := range []string{"/login", "/healthz", "/no-such-page", "/logout", "/mail/INBOX/actions"} {
		for _, announced := range []bool{true, false} {
			name := fmt.Sprintf("%s with Content-Length %v", path, announced)
			var sent atomic.Int64
			body := newHostileBody(size, &sent)
			req, err := http.NewRequest(http.MethodPost, f.http.URL+path, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "multipart/form-data; boundary="+hostileBoundary)
			req.ContentLength = -1 // chunked
			if announced {
				req.ContentLength = body.length()
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			doc, err := goquery.NewDocumentFromReader(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("%s = %d, want 413", name, resp.StatusCode)
			}
			if msg := doc.Find(`[data-testid="error-message"]`).Text(); resp.StatusCode == http.StatusRequestEntityTooLarge && !strings.Contains(msg, "larger than this server accepts") {
				t.Errorf("%s: error page says %q, want our page saying what is too large", name, msg)
			}
			// Socket buffers let the client push a few megabytes before
			// the server hangs up; nowhere near the whole body.
			if n := sent.Load(); n > 64<<20 {
				t.Errorf("%s: the client sent %d MB before the answer: the body was read", name, n>>20)
			}
			if after := dirNames(t, tmp); !slices.Equal(after, before) {
				t.Fatalf("%s: temp dir had %q, now %q", name, before, after)
			}
		}
	}
	// An ordinary login still works.
	if resp, _ := f.login(t, f.client(), demo.DefaultUser, demo.DefaultPassword); resp.Request.URL.Path != "/mail/INBOX" {
		t.Fatalf("login after the hostile requests landed on %s", resp.Request.URL.Path)
	}
}

// signedIn logs a fresh client in and returns it with its session's CSRF
// token.
func signedIn(t *testing.T, f *fixture) (*http.Client, string) {
	t.Helper()
	c := f.client()
	resp, doc := f.login(t, c, demo.DefaultUser, demo.DefaultPassword)
	if resp.Request.URL.Path != "/mail/INBOX" {
		t.Fatalf("login landed on %s", resp.Request.URL.Path)
	}
	token, _ := doc.Find(`form[action="/logout"] input[name="csrf"]`).Attr("value")
	if token == "" {
		t.Fatal("no csrf token on the inbox page")
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c, token
}

// TestCSRFNeedsSameOrigin: an unsafe request needs a browser-told same
// origin as well as the token. Before, a valid token was enough: a POST with
// Origin: https://evil.example or Sec-Fetch-Site: same-site was accepted,
// and so was the token in the query string.
func TestCSRFNeedsSameOrigin(t *testing.T) {
	f := newTweakedFixture(t, func(d *testServerDeps) {
		d.HTTP.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}
	})
	own := f.http.URL // http://127.0.0.1:port
	ownHost := strings.TrimPrefix(own, "http://")
	cases := []struct {
		name    string
		headers map[string]string
		inQuery bool // the token in the URL instead of the form
		ok      bool
	}{
		{"same Origin", map[string]string{"Origin": own}, false, true},
		{"same Origin, default port spelled out", map[string]string{"Origin": own, "Host": ""}, false, true},
		{"foreign Origin", map[string]string{"Origin": "https://evil.example"}, false, false},
		{"Origin with the same host but another scheme", map[string]string{"Origin": "https://" + ownHost}, false, false},
		{"Origin of a sibling port", map[string]string{"Origin": "http://127.0.0.1:1"}, false, false},
		{"foreign Origin, Sec-Fetch-Site lying", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"}, false, false},
		{"Origin null, same-origin fetch", map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-origin"}, false, true},
		{"Origin null, cross-site fetch", map[string]string{"Origin": "null", "Sec-Fetch-Site": "cross-site"}, false, false},
		{"Origin null alone", map[string]string{"Origin": "null"}, false, false},
		{"Sec-Fetch-Site same-origin", map[string]string{"Sec-Fetch-Site": "same-origin"}, false, true},
		{"Sec-Fetch-Site none", map[string]string{"Sec-Fetch-Site": "none"}, false, true},
		{"Sec-Fetch-Site same-site", map[string]string{"Sec-Fetch-Site": "same-site"}, false, false},
		{"Sec-Fetch-Site cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, false, false},
		{"same-origin Referer", map[string]string{"Referer": own + "/mail/INBOX"}, false, true},
		{"foreign Referer", map[string]string{"Referer": "https://evil.example/mail/INBOX"}, false, false},
		{"Referer with our host in its path", map[string]string{"Referer": "https://evil.example/" + ownHost}, false, false},
		{"token in the query string", map[string]string{"Origin": own}, true, false},
		// The site as the browser sees it through a trusted TLS proxy.
		{"proxied: Origin of the public name", map[string]string{"Origin": "https://mail.example",
			"X-Forwarded-Proto": "https", "X-Forwarded-Host": "mail.example"}, false, true},
		{"proxied: Origin of the public name, port 443", map[string]string{"Origin": "https://mail.example",
			"X-Forwarded-Proto": "https", "X-Forwarded-Host": "mail.example:443"}, false, true},
		{"proxied: Origin over plain HTTP", map[string]string{"Origin": "http://mail.example",
			"X-Forwarded-Proto": "https", "X-Forwarded-Host": "mail.example"}, false, false},
		{"proxied: Origin of the instance itself", map[string]string{"Origin": own,
			"X-Forwarded-Proto": "https", "X-Forwarded-Host": "mail.example"}, false, false},
		// No browser told anything: a script or other non-browser client,
		// which cannot carry a victim's cookies; the token decides.
		{"no browser headers", nil, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, token := signedIn(t, f)
			target := f.http.URL + "/logout"
			form := url.Values{"csrf": {token}}
			if tc.inQuery {
				target += "?csrf=" + url.QueryEscape(token)
				form = url.Values{}
			}
			req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.headers {
				if k == "Host" {
					req.Host = ownHost
					if !strings.Contains(ownHost, ":") {
						req.Host += ":80"
					}
					continue
				}
				req.Header.Set(k, v)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := http.StatusForbidden
			if tc.ok {
				want = http.StatusSeeOther
			}
			if resp.StatusCode != want {
				t.Fatalf("logout = %d, want %d", resp.StatusCode, want)
			}
		})
	}
}

// TestLoginTokenMustBeOurs: the login form's double-submit cookie is a
// token the server signed. Before, any well-formed value a client set (or a
// sibling subdomain planted) was adopted and accepted.
func TestLoginTokenMustBeOurs(t *testing.T) {
	f := newFixture(t)
	u, _ := url.Parse(f.http.URL)
	planted := session.NewID() // well-formed: 43 base64url characters
	c := f.client()
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "webmail_csrf", Value: planted, Path: "/"}})
	_, doc := get(t, c, f.http.URL+"/login")
	if formToken, _ := doc.Find(`input[name="csrf"]`).Attr("value"); formToken == planted {
		t.Fatal("the login form adopted the planted cookie as its token")
	}

	// Posting the planted value in both places is refused.
	c = f.client()
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "webmail_csrf", Value: planted, Path: "/"}})
	resp, err := c.PostForm(f.http.URL+"/login", url.Values{
		"username": {demo.DefaultUser}, "password": {demo.DefaultPassword}, "csrf": {planted}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login with a client-chosen token = %d, want 403", resp.StatusCode)
	}
	if f.sessions.Len() != 0 {
		t.Fatal("a login with a client-chosen token made a session")
	}

	// The token the server hands out works.
	if resp, _ := f.login(t, f.client(), demo.DefaultUser, demo.DefaultPassword); resp.Request.URL.Path != "/mail/INBOX" {
		t.Fatalf("a login with the server's token landed on %s", resp.Request.URL.Path)
	}
}
