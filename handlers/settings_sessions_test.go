package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
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

// sessionsCluster is two instances sharing one Redis session store, in
// front of a demo mail server with users ann and bob.
type sessionsCluster struct {
	urls [2]string
}

func newSessionsCluster(t *testing.T) *sessionsCluster {
	t.Helper()
	mailSrv, err := demo.Start(context.Background(), demo.Options{Users: map[string]string{
		"ann@example.test": "ann-password", "bob@example.test": "bob-password",
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mailSrv.Close() })
	r := testenv.NewRedis(t)
	sealer, err := session.NewSealer("handlers-test-secret-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	var c sessionsCluster
	for i := range c.urls {
		deps, _ := testDeps(t, mailSrv.IMAPAddr)
		client := redis.NewClient(&redis.Options{Addr: r.Addr})
		t.Cleanup(func() { client.Close() })
		deps.Sessions = session.NewManager(session.NewRedis(client, "test:"+t.Name()+":"), sealer, time.Hour, 12*time.Hour)
		// The test's clients say where they are in X-Forwarded-For.
		deps.HTTP.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		hs := httptest.NewServer(deps.server().Routes())
		t.Cleanup(hs.Close)
		c.urls[i] = hs.URL
	}
	return &c
}

// sessionsBrowser is one signed-in browser: its own cookies, User-Agent
// and address, on one instance.
type sessionsBrowser struct {
	http  *http.Client
	base  string
	token string // the session's CSRF token
}

// headerTransport sets a browser's User-Agent and address on every request.
type headerTransport struct{ userAgent, ip string }

func (h headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("User-Agent", h.userAgent)
	req.Header.Set("X-Forwarded-For", h.ip)
	return http.DefaultTransport.RoundTrip(req)
}

// signIn logs user in on base from a browser with this User-Agent and
// address.
func signIn(t *testing.T, base, user, password, userAgent, ip string) *sessionsBrowser {
	t.Helper()
	c := (&fixture{}).client()
	c.Transport = headerTransport{userAgent: userAgent, ip: ip}
	_, doc := get(t, c, base+"/login")
	resp, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {password}, "csrf": {doc.Find(`input[name="csrf"]`).AttrOr("value", "")}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	token := page.Find("body").AttrOr("data-csrf", "")
	if resp.StatusCode != http.StatusOK || token == "" {
		t.Fatalf("login of %s: %d at %s", user, resp.StatusCode, resp.Request.URL)
	}
	return &sessionsBrowser{http: c, base: base, token: token}
}

// open GETs path, following redirects.
func (b *sessionsBrowser) open(t *testing.T, path string) (*http.Response, *goquery.Document) {
	t.Helper()
	return get(t, b.http, b.base+path)
}

// signedIn reports whether the browser's session still opens the inbox.
func (b *sessionsBrowser) signedIn(t *testing.T) bool {
	t.Helper()
	resp, _ := b.open(t, "/mail/INBOX")
	return resp.StatusCode == http.StatusOK && resp.Request.URL.Path == "/mail/INBOX"
}

// post submits a form as the page does without scripts (csrf "" leaves
// the token out), without following the redirect.
func (b *sessionsBrowser) post(t *testing.T, path, csrf string, header http.Header) *http.Response {
	t.Helper()
	form := url.Values{}
	if csrf != "" {
		form.Set("csrf", csrf)
	}
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	noFollow := *b.http
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// sessionRows are the sessions the page lists.
type sessionRowSeen struct {
	device, ip, endURL string
	current            bool
}

func sessionRows(doc *goquery.Document) []sessionRowSeen {
	var rows []sessionRowSeen
	doc.Find(`[data-testid="session"]`).Each(func(_ int, s *goquery.Selection) {
		rows = append(rows, sessionRowSeen{
			device:  strings.TrimSpace(s.Find(`[data-testid="session-device"]`).Text()),
			ip:      strings.TrimSpace(s.Find(`[data-testid="session-ip"]`).Text()),
			endURL:  s.Find(`form:has([data-testid="session-end"])`).AttrOr("action", ""),
			current: s.Find(`[data-testid="session-current"]`).Length() == 1,
		})
	})
	return rows
}

const (
	uaFirefoxLinux  = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	uaSafariIPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	uaChromeWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)

// TestSessionsPage (issue 10): /settings/sessions lists the user's own
// sessions with device and address, this one marked; "End" signs another
// session out on the other instance; a ref of another user's session
// ends nothing (404); "Sign out everywhere else" keeps this one; every
// POST needs the token and a same-origin request.
func TestSessionsPage(t *testing.T) {
	c := newSessionsCluster(t)
	laptop := signIn(t, c.urls[0], "ann@example.test", "ann-password", uaFirefoxLinux, "198.51.100.7")
	phone := signIn(t, c.urls[1], "ann@example.test", "ann-password", uaSafariIPhone, "2001:db8::42")
	bobHome := signIn(t, c.urls[1], "bob@example.test", "bob-password", uaChromeWindows, "203.0.113.5")
	bobWork := signIn(t, c.urls[0], "bob@example.test", "bob-password", uaChromeWindows, "203.0.113.6")

	_, doc := laptop.open(t, "/settings")
	if href := doc.Find(`[data-testid="sessions-link"]`).AttrOr("href", ""); href != "/settings/sessions" {
		t.Fatalf("settings link to the sessions page: %q", href)
	}
	resp, doc := laptop.open(t, "/settings/sessions")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /settings/sessions = %d", resp.StatusCode)
	}
	rows := sessionRows(doc)
	if len(rows) != 2 {
		t.Fatalf("listed %+v, want ann's two sessions", rows)
	}
	if r := rows[0]; !r.current || r.device != "Firefox on Linux" || r.ip != "198.51.100.7" || r.endURL != "" {
		t.Fatalf("first row %+v, want this laptop, marked, without End", r)
	}
	if r := rows[1]; r.current || r.device != "Safari on iPhone" || r.ip != "2001:db8::42" || !strings.HasPrefix(r.endURL, "/settings/sessions/") {
		t.Fatalf("second row %+v, want the phone with an End form", r)
	}
	if doc.Find(`[data-testid="session-last-seen"] time[datetime]`).Length() != 2 || doc.Find(`[data-testid="sessions-end-others"]`).Length() != 1 {
		t.Fatal("no last-seen times or no Sign out everywhere else")
	}
	phoneEnd := rows[1].endURL

	// Bob's other session, by the URL bob's page gives him, is not ann's
	// to end.
	_, bobsPage := bobHome.open(t, "/settings/sessions")
	bobRows := sessionRows(bobsPage)
	if len(bobRows) != 2 || bobRows[1].endURL == "" {
		t.Fatalf("bob's page lists %+v", bobRows)
	}
	if resp := laptop.post(t, bobRows[1].endURL, laptop.token, nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("ann ending bob's session: %d, want 404", resp.StatusCode)
	}
	if !bobWork.signedIn(t) {
		t.Fatal("ann's request ended bob's session")
	}

	// Without the token, or from another site, nothing ends.
	if resp := laptop.post(t, phoneEnd, "", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("End without the token: %d, want 403", resp.StatusCode)
	}
	if resp := laptop.post(t, phoneEnd, laptop.token, http.Header{"Origin": {"https://evil.example"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("End from another site: %d, want 403", resp.StatusCode)
	}
	if !phone.signedIn(t) {
		t.Fatal("a refused End signed the phone out")
	}

	// End, on instance A: the phone, on instance B, is signed out.
	resp = laptop.post(t, phoneEnd, laptop.token, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings/sessions?done=ended" {
		t.Fatalf("End: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if phone.signedIn(t) {
		t.Fatal("the ended session still opens the inbox on the other instance")
	}
	_, doc = laptop.open(t, "/settings/sessions?done=ended")
	if rows := sessionRows(doc); len(rows) != 1 || !rows[0].current || statusLine(doc) != "That device is signed out." {
		t.Fatalf("after End: %+v, status %q", rows, statusLine(doc))
	}
	if doc.Find(`[data-testid="sessions-end-others"]`).Length() != 0 {
		t.Fatal("Sign out everywhere else offered with no other session")
	}
	if resp := laptop.post(t, phoneEnd, laptop.token, nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("ending the ended session again: %d, want 404", resp.StatusCode)
	}

	// Everywhere else: the token is required; then both other sessions
	// end, this one and bob's stay.
	tablet := signIn(t, c.urls[1], "ann@example.test", "ann-password", uaChromeWindows, "198.51.100.9")
	desk := signIn(t, c.urls[0], "ann@example.test", "ann-password", uaChromeWindows, "198.51.100.10")
	if resp := laptop.post(t, "/settings/sessions/end-others", "", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("everywhere else without the token: %d, want 403", resp.StatusCode)
	}
	if !tablet.signedIn(t) || !desk.signedIn(t) {
		t.Fatal("a refused everywhere-else signed a session out")
	}
	resp = laptop.post(t, "/settings/sessions/end-others", laptop.token, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings/sessions?done=others" {
		t.Fatalf("everywhere else: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if tablet.signedIn(t) || desk.signedIn(t) {
		t.Fatal("a session survived Sign out everywhere else")
	}
	if !laptop.signedIn(t) || !bobHome.signedIn(t) || !bobWork.signedIn(t) {
		t.Fatal("everywhere else ended this session or bob's")
	}
}
