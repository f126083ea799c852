package handlers_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/internal/demo"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/session"
)

// tlsRequest is one request as a browser sends it to the site behind a
// TLS-terminating proxy (X-Forwarded-Proto from a trusted address), with
// the given cookies.
func tlsRequest(t *testing.T, method, target string, form url.Values, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func setCookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestHeadersAndCookiesOverTLS: served over TLS, cookies carry the __Host-
// prefix (a session under the old name still works once and moves over),
// HSTS is set, every dynamic answer (POST replies too) is no-store and
// varies on Sec-Fetch-Site, and a logout asks the browser to clear the
// site's data.
func TestHeadersAndCookiesOverTLS(t *testing.T) {
	f := newTweakedFixture(t, func(d *testServerDeps) {
		d.HTTP.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}
	})
	base := f.http.URL

	resp := tlsRequest(t, http.MethodGet, base+"/login", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /login = %d", resp.StatusCode)
	}
	if got := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("Strict-Transport-Security = %q over TLS", got)
	}
	csrf := setCookie(resp, "__Host-webmail_csrf")
	if csrf == nil || !csrf.Secure || csrf.Path != "/" || csrf.Domain != "" {
		t.Fatalf("login token cookie over TLS: %+v, want __Host-webmail_csrf, Secure, Path=/, no Domain", resp.Header.Values("Set-Cookie"))
	}
	for _, resp := range []*http.Response{resp, tlsRequest(t, http.MethodGet, base+"/no-such-page", nil)} {
		if resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Sec-Fetch-Site") {
			t.Errorf("%s: Cache-Control %q, Vary %q", resp.Request.URL.Path, resp.Header.Get("Cache-Control"), resp.Header.Values("Vary"))
		}
	}

	resp = tlsRequest(t, http.MethodPost, base+"/login", url.Values{
		"username": {demo.DefaultUser}, "password": {demo.DefaultPassword}, "csrf": {csrf.Value}}, csrf)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /login = %d", resp.StatusCode)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("POST /login reply: Cache-Control %q, want no-store", resp.Header.Get("Cache-Control"))
	}
	sess := setCookie(resp, "__Host-webmail_session")
	if sess == nil || !sess.Secure || sess.Path != "/" || sess.Domain != "" || !sess.HttpOnly {
		t.Fatalf("session cookie over TLS: %q, want __Host-webmail_session, Secure, HttpOnly, Path=/", resp.Header.Values("Set-Cookie"))
	}
	if setCookie(resp, session.CookieName) != nil {
		t.Error("the session cookie was also set under its plain name")
	}
	resp = tlsRequest(t, http.MethodGet, base+"/mail/INBOX", nil, sess)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("inbox with the __Host- cookie = %d", resp.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	token, _ := doc.Find(`form[action="/logout"] input[name="csrf"]`).Attr("value")

	// A session cookie set before the prefix, under the plain name, still
	// signs the user in over TLS, and is moved to the new name.
	legacy := &http.Cookie{Name: session.CookieName, Value: sess.Value}
	resp = tlsRequest(t, http.MethodGet, base+"/mail/INBOX", nil, legacy)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("inbox with the plain-name cookie over TLS = %d, want 200 (no logout on upgrade)", resp.StatusCode)
	}
	if moved := setCookie(resp, "__Host-webmail_session"); moved == nil || moved.Value != sess.Value || !moved.Secure {
		t.Errorf("the plain-name session was not moved to __Host-webmail_session: %q", resp.Header.Values("Set-Cookie"))
	}
	if old := setCookie(resp, session.CookieName); old == nil || old.MaxAge >= 0 {
		t.Errorf("the plain-name cookie was not removed: %q", resp.Header.Values("Set-Cookie"))
	}

	resp = tlsRequest(t, http.MethodPost, base+"/logout", url.Values{"csrf": {token}}, sess)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout = %d", resp.StatusCode)
	}
	csd := resp.Header.Get("Clear-Site-Data")
	for _, want := range []string{`"storage"`, `"cache"`} {
		if !strings.Contains(csd, want) {
			t.Errorf("logout: Clear-Site-Data %q lacks %s", csd, want)
		}
	}
	// The device cookie must survive a logout (it exempts this browser from
	// the login slow-down), so cookies are expired by name, not wholesale.
	if strings.Contains(csd, `"cookies"`) || strings.Contains(csd, `"*"`) {
		t.Errorf("logout: Clear-Site-Data %q would wipe the device cookie", csd)
	}
	if gone := setCookie(resp, "__Host-webmail_session"); gone == nil || gone.MaxAge >= 0 {
		t.Errorf("logout did not expire the session cookie: %q", resp.Header.Values("Set-Cookie"))
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("logout reply: Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	if f.sessions.Len() != 0 {
		t.Error("the session survived logout")
	}

	// Plain HTTP: no HSTS, plain cookie names (browsers refuse __Host-
	// cookies without Secure).
	plain, err := http.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	plain.Body.Close()
	if got := plain.Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("Strict-Transport-Security %q over plain HTTP", got)
	}
	if setCookie(plain, "webmail_csrf") == nil {
		t.Errorf("plain HTTP login token cookie: %q", plain.Header.Values("Set-Cookie"))
	}
}

// TestUnreadableSessionSignsOut: a session cookie whose record in Redis is
// garbage makes a signed-out visitor (the cookie is cleared, the login page
// works), where it used to make every page, login and logout included, a
// 503 until the record expired.
func TestUnreadableSessionSignsOut(t *testing.T) {
	r := testenv.NewRedis(t)
	client := redis.NewClient(&redis.Options{Addr: r.Addr})
	t.Cleanup(func() { client.Close() })
	prefix := "test:" + t.Name() + ":"
	var logs syncBuffer
	f := newTweakedFixture(t, func(d *testServerDeps) {
		sealer, _ := session.NewSealer("handlers-test-secret-0123456789abcdef")
		d.Sessions = session.NewManager(session.NewRedis(client, prefix), sealer, time.Hour, 12*time.Hour)
		d.Sessions.SetLogger(slog.New(slog.NewTextHandler(&logs, nil)))
	})
	id := session.NewID()
	if err := client.Set(context.Background(), prefix+"session:"+id, "\x00garbage{", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/mail/INBOX", "/login"} {
		req, _ := http.NewRequest(http.MethodGet, f.http.URL+path, nil)
		req.AddCookie(&http.Cookie{Name: session.CookieName, Value: id})
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[string]int{"/mail/INBOX": http.StatusSeeOther, "/login": http.StatusOK}[path]; resp.StatusCode != want {
			t.Fatalf("%s with an unreadable session = %d, want %d", path, resp.StatusCode, want)
		}
		if path == "/mail/INBOX" {
			if cleared := setCookie(resp, session.CookieName); cleared == nil || cleared.MaxAge >= 0 {
				t.Errorf("the cookie of an unreadable session was not cleared: %q", resp.Header.Values("Set-Cookie"))
			}
		}
	}
	if !strings.Contains(logs.String(), "unreadable session record") {
		t.Errorf("not logged: %q", logs.String())
	}
	c := f.client()
	if resp, _ := f.login(t, c, demo.DefaultUser, demo.DefaultPassword); resp.Request.URL.Path != "/mail/INBOX" {
		t.Fatalf("signing in again landed on %s", resp.Request.URL.Path)
	}
}
