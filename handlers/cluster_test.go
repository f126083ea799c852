package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/app/loginlimit"
	"github.com/webmail/webmail/handlers"
	"github.com/webmail/webmail/internal/demo"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/store"
)

// syncBuffer collects log output written from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// clusterFixture is the handlers with the scale-out parts wired: rate
// limits on a shared counter, metrics, read-your-writes, JSON logs. Extra
// test routes report what the middleware put into a request's context.
type clusterFixture struct {
	server  *handlers.Server
	pool    *mail.Pool
	db      *store.DB
	router  *mail.Router
	imap    string // the demo IMAP server's URL
	logs    *syncBuffer
	sticky  time.Duration
	baseURL string
	// metricsURL serves the registry, as the metrics listener of
	// internal/metrics does: the routes never serve it.
	metricsURL string
}

func newClusterFixture(t *testing.T, failures func(db *store.DB) loginlimit.FailureCounter, limits loginlimit.Limits) *clusterFixture {
	t.Helper()
	ctx := context.Background()
	mailSrv, err := demo.Start(ctx, demo.Options{Seed: false})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mailSrv.Close() })
	deps, _ := testDeps(t, mailSrv.IMAPAddr)
	router, err := mail.NewRouter("imap://"+mailSrv.IMAPAddr, "smtp://"+mailSrv.SMTPAddr)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	reg := prometheus.NewRegistry()
	f := &clusterFixture{pool: deps.Pool, db: deps.DB, router: router, imap: "imap://" + mailSrv.IMAPAddr, logs: logs, sticky: 5 * time.Second}
	deps.Logger = slog.New(handlers.LogHandler(slog.NewJSONHandler(logs, nil)))
	deps.IMAP = mail.Endpoint{} // routed by the Router instead
	deps.Router = router
	deps.LoginFailures = failures(deps.DB)
	deps.LoginLimits = limits
	deps.HTTP.StickyWindow = f.sticky
	deps.HTTP.Metrics = handlers.NewMetrics(reg)
	f.server = deps.server()
	e := f.server.Routes()
	e.GET("/test/context", func(c echo.Context) error {
		ctx := c.Request().Context()
		f.server.Logger.InfoContext(ctx, "a line logged with the request's context")
		return c.String(http.StatusOK, strconv.FormatBool(store.PrimaryReads(ctx)))
	})
	hs := httptest.NewServer(e)
	t.Cleanup(hs.Close)
	f.baseURL = hs.URL
	ms := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	t.Cleanup(ms.Close)
	f.metricsURL = ms.URL
	return f
}

func (f *clusterFixture) login(t *testing.T, c *http.Client, user, password string, header http.Header) (*http.Response, *goquery.Document) {
	t.Helper()
	_, doc := get(t, c, f.baseURL+"/login")
	csrf, _ := doc.Find(`input[name="csrf"]`).Attr("value")
	req, _ := http.NewRequest(http.MethodPost, f.baseURL+"/login",
		strings.NewReader(url.Values{"username": {user}, "password": {password}, "csrf": {csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err = goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

func (f *clusterFixture) imapContacts() int64 {
	s := f.pool.Stats()
	return s.Dialed + s.DialErrors
}

func counters(t *testing.T) map[string]func(db *store.DB) loginlimit.FailureCounter {
	return map[string]func(db *store.DB) loginlimit.FailureCounter{
		"sql": func(db *store.DB) loginlimit.FailureCounter { return db },
		"redis": func(*store.DB) loginlimit.FailureCounter {
			r := testenv.NewRedis(t)
			client := redis.NewClient(&redis.Options{Addr: r.Addr})
			t.Cleanup(func() { client.Close() })
			return loginlimit.NewRedisFailures(client, "test:"+t.Name()+":")
		},
	}
}

// TestLoginRateLimits: after the allowed failures a login gets the login
// page with 429 and a clear message, and never reaches the IMAP server,
// even with the right password. Both counters (SQL, Redis) behave alike.
func TestLoginRateLimits(t *testing.T) {
	for name, counter := range counters(t) {
		t.Run(name, func(t *testing.T) {
			f := newClusterFixture(t, counter, loginlimit.Limits{PerUser: 3, PerIP: 100, Window: 15 * time.Minute})
			c := (&fixture{}).client()
			for i := 0; i < 3; i++ {
				resp, _ := f.login(t, c, demo.DefaultUser, "wrong", nil)
				if resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("failure %d: %d, want 401", i+1, resp.StatusCode)
				}
			}
			before := f.imapContacts()
			resp, doc := f.login(t, c, demo.DefaultUser, demo.DefaultPassword, nil)
			if resp.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("4th attempt: %d, want 429", resp.StatusCode)
			}
			if msg := doc.Find(`[data-testid="login-error"]`).Text(); msg != "Too many attempts. Try again in 15 minutes." {
				t.Fatalf("message %q", msg)
			}
			if ra, _ := strconv.Atoi(resp.Header.Get("Retry-After")); ra < 800 || ra > 901 {
				t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
			}
			if v, _ := doc.Find(`input[name="username"]`).Attr("value"); v != demo.DefaultUser {
				t.Fatalf("username not kept: %q", v)
			}
			if f.imapContacts() != before {
				t.Fatal("a limited login reached the IMAP server")
			}
			// The limit is per username: the address may still try others.
			resp, _ = f.login(t, c, "someone@example.test", "wrong", nil)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("another user: %d, want 401", resp.StatusCode)
			}

			// Reloaded limits: this address has 4 failures, the new per-IP
			// limit is 4.
			f.server.App.SetLoginLimits(loginlimit.Limits{PerUser: 3, PerIP: 4, Window: 15 * time.Minute})
			resp, _ = f.login(t, c, "third@example.test", "wrong", nil)
			if resp.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("per-IP limit: %d, want 429", resp.StatusCode)
			}
			// X-Forwarded-For from a peer that is not a trusted proxy
			// changes nothing...
			spoofed := http.Header{"X-Forwarded-For": {"203.0.113.7"}}
			resp, _ = f.login(t, c, "third@example.test", "wrong", spoofed)
			if resp.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("spoofed X-Forwarded-For escaped the limit: %d", resp.StatusCode)
			}
			// ...and is believed once the peer is trusted (reloaded list).
			f.server.SetTrustedProxies([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
			resp, _ = f.login(t, c, "third@example.test", "wrong", spoofed)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("forwarded client from a trusted proxy: %d, want 401", resp.StatusCode)
			}
		})
	}
}

// TestLoginSuccessClearsUserFailures: a good login forgets the user's
// failures, and the session keeps the server the login was routed to.
func TestLoginSuccessClearsUserFailures(t *testing.T) {
	f := newClusterFixture(t, func(db *store.DB) loginlimit.FailureCounter { return db }, loginlimit.Limits{PerUser: 2, PerIP: 100, Window: time.Minute})
	c := (&fixture{}).client()
	f.login(t, c, demo.DefaultUser, "wrong", nil)
	resp, _ := f.login(t, c, demo.DefaultUser, demo.DefaultPassword, nil)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/mail/INBOX" {
		t.Fatalf("login: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	until, err := f.db.LoginBlockedUntil(context.Background(), "user:"+demo.DefaultUser, 1, time.Minute, time.Now())
	if err != nil || !until.IsZero() {
		t.Fatalf("failures left after a good login: %v, %v", until, err)
	}
}

// TestReadYourWritesWindow: an unsafe request sets the cookie; requests
// carrying it read from the primary, on any instance, until it expires.
func TestReadYourWritesWindow(t *testing.T) {
	f := newClusterFixture(t, func(db *store.DB) loginlimit.FailureCounter { return db }, loginlimit.Limits{})
	c := (&fixture{}).client()
	primaryReads := func(cookie *http.Cookie) string {
		req, _ := http.NewRequest(http.MethodGet, f.baseURL+"/test/context", nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := primaryReads(nil); got != "false" {
		t.Fatalf("without a write: primary reads %s", got)
	}
	resp, _ := f.login(t, c, demo.DefaultUser, demo.DefaultPassword, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	u, _ := url.Parse(f.baseURL)
	var window *http.Cookie
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "webmail_rw" {
			window = ck
		}
	}
	if window == nil {
		t.Fatal("a write set no read-your-writes cookie")
	}
	ms, _ := strconv.ParseInt(window.Value, 10, 64)
	if until := time.UnixMilli(ms); until.Before(time.Now()) || until.After(time.Now().Add(f.sticky)) {
		t.Fatalf("window until %v", until)
	}
	// Any instance honours it: the cookie alone decides.
	if got := primaryReads(window); got != "true" {
		t.Fatalf("within the window: primary reads %s", got)
	}
	for name, value := range map[string]string{
		"expired": strconv.FormatInt(time.Now().Add(-time.Second).UnixMilli(), 10),
		"forged":  strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10),
		"garbage": "yes",
	} {
		if got := primaryReads(&http.Cookie{Name: "webmail_rw", Value: value}); got != "false" {
			t.Errorf("%s cookie: primary reads %s", name, got)
		}
	}
}

// TestMetricsAndRequestIDs: /metrics counts requests by route pattern, and
// a line logged with the request's context carries its request ID.
func TestMetricsAndRequestIDs(t *testing.T) {
	f := newClusterFixture(t, func(db *store.DB) loginlimit.FailureCounter { return db }, loginlimit.Limits{})
	resp, err := http.Get(f.baseURL + "/test/context")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Header.Get(echo.HeaderXRequestID)
	found := false
	for _, line := range strings.Split(strings.TrimSpace(f.logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == "a line logged with the request's context" {
			found = rec["request_id"] == id
		}
	}
	if !found {
		t.Fatalf("no line with request_id %s in:\n%s", id, f.logs.String())
	}

	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/login", "/login", "/mail/INBOX/42", "/no-such-page-xyz"} {
		resp, err := noRedirects.Get(f.baseURL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	wants := []string{
		`webmail_http_requests_total{code="200",method="GET",route="/login"} 2`,
		`webmail_http_requests_total{code="303",method="GET",route="/mail/:mailbox/:uid"} 1`,
		`webmail_http_request_duration_seconds_count{method="GET",route="/login"} 2`,
	}
	// A request is counted when its handler returns, which can be just
	// after the client has read a page the handler flushed as it rendered:
	// the counts are read again for up to 5 s before they are judged.
	var text string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err = http.Get(f.metricsURL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		text = string(body)
		missing := false
		for _, want := range wants {
			missing = missing || !strings.Contains(text, want)
		}
		if !missing || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, "no-such-page-xyz") || strings.Contains(text, "INBOX/42") {
		t.Error("/metrics shows raw URLs")
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", grepLines(text, "webmail_http"))
	}
	// The application's routes serve neither the metrics nor pprof (an
	// unknown path: the login page for a visitor without a session).
	for _, path := range []string{"/metrics", "/debug/pprof/"} {
		resp, err := noRedirects.Get(f.baseURL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || strings.Contains(string(body), "# HELP") || strings.Contains(string(body), "goroutine") {
			t.Errorf("%s on the application's routes = %d %.80q", path, resp.StatusCode, body)
		}
	}
}

func grepLines(text, substr string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// TestDomainRouting: the login's domain picks the IMAP server from the
// table over the template, the session keeps it, and a later change of the
// table leaves existing sessions on their server.
func TestDomainRouting(t *testing.T) {
	f := newClusterFixture(t, func(db *store.DB) loginlimit.FailureCounter { return db }, loginlimit.Limits{})
	// The template points nowhere; only the table leads to the server.
	if err := f.router.SetTemplates("imap://127.0.0.1:1", "smtp://127.0.0.1:1"); err != nil {
		t.Fatal(err)
	}
	c := (&fixture{}).client()
	resp, _ := f.login(t, c, demo.DefaultUser, demo.DefaultPassword, nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("login routed by the template to no server: %d, want 503", resp.StatusCode)
	}
	domain := demo.DefaultUser[strings.LastIndex(demo.DefaultUser, "@")+1:]
	if err := f.router.SetDomains([]mail.DomainRoute{{Domain: strings.ToUpper(domain), IMAP: f.imap}}); err != nil {
		t.Fatal(err)
	}
	resp, _ = f.login(t, c, demo.DefaultUser, demo.DefaultPassword, nil)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/mail/INBOX" {
		t.Fatalf("routed login: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	// The route changes; the session stays on the server it logged in to.
	f.router.SetDomains(nil)
	resp, _ = get(t, c, f.baseURL+"/mail/INBOX")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("existing session after the route changed: %d", resp.StatusCode)
	}
}
