package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/handlers"
	"github.com/webmail/webmail/internal/demo"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/static"
	"github.com/webmail/webmail/store"
)

type fixture struct {
	server   *handlers.Server
	http     *httptest.Server
	sessions *session.Memory
	mail     *demo.Server
	pool     *mail.Pool
}

// newFixture runs the handlers in an httptest.Server against the demo's
// IMAP server with its seeded mailbox, SQLite and a memory session store.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	mailSrv, err := demo.Start(ctx, demo.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mailSrv.Close() })
	deps, mem := testDeps(t, mailSrv.IMAPAddr)
	// go-imap's in-memory server can lose a change made just before IDLE;
	// the refresh makes the push tests deterministic against it.
	deps.Watcher = mail.NewWatcher(mail.WatcherOptions{IdleRefresh: time.Second})
	srv := deps.server()
	hs := httptest.NewServer(srv.Routes())
	t.Cleanup(hs.Close)
	return &fixture{server: srv, http: hs, sessions: mem, mail: mailSrv, pool: deps.Pool}
}

// testServerDeps are a test server's dependencies: the application's
// (embedded, so a test sets DB, Pool, Router... directly) and the HTTP
// layer's own.
type testServerDeps struct {
	app.Deps
	HTTP handlers.Deps
}

// server builds the application over d, and the handlers over it; both
// log to d.Logger.
func (d testServerDeps) server() *handlers.Server {
	d.HTTP.Logger = d.Logger
	d.HTTP.App = app.New(d.Deps)
	return handlers.NewServer(d.HTTP)
}

// testDeps are the dependencies for a test: SQLite and files in a temp
// dir, a memory session store, an IMAP pool for the server at imapAddr,
// 50 messages a page, the parsed-message cache at its default size. Tests
// change what they need before server().
func testDeps(t *testing.T, imapAddr string) (testServerDeps, *session.Memory) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(dir, "webmail.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sealer, _ := session.NewSealer("handlers-test-secret-0123456789abcdef")
	mem := session.NewMemory()
	att, err := attachments.Open(ctx, "fs", attachments.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	ep, err := mail.ParseIMAPURL("imap://" + imapAddr)
	if err != nil {
		t.Fatal(err)
	}
	pool := mail.NewPool(mail.PoolOptions{})
	t.Cleanup(pool.Close)
	return testServerDeps{
		Deps: app.Deps{
			Logger:            slog.New(slog.NewTextHandler(io.Discard, nil)),
			DB:                db,
			Sessions:          session.NewManager(mem, sealer, time.Hour, 12*time.Hour),
			Attachments:       att,
			IMAP:              ep,
			Pool:              pool,
			PageSize:          50,
			MessageCacheBytes: 64 << 20,
		},
		HTTP: handlers.Deps{Assets: assets},
	}, mem
}

func (f *fixture) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, *goquery.Document) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

func (f *fixture) login(t *testing.T, c *http.Client, user, password string) (*http.Response, *goquery.Document) {
	t.Helper()
	_, doc := get(t, c, f.http.URL+"/login")
	csrf, _ := doc.Find(`input[name="csrf"]`).Attr("value")
	resp, err := c.PostForm(f.http.URL+"/login", url.Values{"username": {user}, "password": {password}, "csrf": {csrf}})
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

func TestProbes(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(f.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s = %d", path, resp.StatusCode)
		}
	}
	f.server.Drain()
	resp, err := http.Get(f.http.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz while draining = %d, want 503", resp.StatusCode)
	}
	resp, _ = http.Get(f.http.URL + "/healthz")
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz while draining = %d, want 200", resp.StatusCode)
	}
}

func TestLoginForm(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	resp, doc := get(t, c, f.http.URL+"/login")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /login = %d", resp.StatusCode)
	}
	form := doc.Find(`form[action="/login"][method="post"]`)
	for _, field := range []string{"username", "password", "csrf"} {
		if form.Find(`input[name="`+field+`"]`).Length() != 1 {
			t.Errorf("login form lacks %s", field)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}

	// No token: refused, nothing else happens.
	resp, err := c.PostForm(f.http.URL+"/login", url.Values{"username": {demo.DefaultUser}, "password": {demo.DefaultPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login without csrf = %d, want 403", resp.StatusCode)
	}

	resp, doc = f.login(t, c, demo.DefaultUser, "not-the-password")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password = %d, want 401", resp.StatusCode)
	}
	if msg := doc.Find(`[data-testid="login-error"]`).Text(); msg != "Wrong email address or password." {
		t.Fatalf("wrong password message %q", msg)
	}
	if v, _ := doc.Find(`input[name="username"]`).Attr("value"); v != demo.DefaultUser {
		t.Fatalf("username not kept: %q", v)
	}
	if f.sessions.Len() != 0 {
		t.Fatal("a failed login created a session")
	}
}

func TestReadMail(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	resp, doc := f.login(t, c, demo.DefaultUser, demo.DefaultPassword)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/mail/INBOX" {
		t.Fatalf("login landed on %s (%d)", resp.Request.URL, resp.StatusCode)
	}
	u, _ := url.Parse(f.http.URL)
	var cookie *http.Cookie
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == session.CookieName {
			cookie = ck
		}
	}
	if cookie == nil || len(cookie.Value) != 43 {
		t.Fatal("no 256-bit session cookie")
	}

	// Folders with unread counts, the inbox first.
	folders := doc.Find(`[data-testid="folder"]`)
	if folders.Length() < 6 {
		t.Fatalf("%d folders, want the six special ones at least", folders.Length())
	}
	if href, _ := folders.First().Attr("href"); href != "/mail/INBOX" {
		t.Fatalf("first folder %q", href)
	}
	if folders.First().Find(`[data-testid="unseen"]`).Length() != 1 {
		t.Fatal("the inbox shows no unread count")
	}
	rows := doc.Find(`[data-testid="message-row"]`)
	if rows.Length() != 50 {
		t.Fatalf("%d rows on page 1, want a full page of 50", rows.Length())
	}
	if doc.Find(`[data-testid="next-page"]`).Length() != 1 {
		t.Fatal("no next page link")
	}
	_, page2 := get(t, c, f.http.URL+"/mail/INBOX?page=2")
	if page2.Find(`[data-testid="message-row"]`).Length() == 0 {
		t.Fatal("page 2 is empty")
	}
	first1, _ := rows.First().Find(`[data-testid="message-link"]`).Attr("href")
	first2, _ := page2.Find(`[data-testid="message-link"]`).First().Attr("href")
	if first1 == first2 {
		t.Fatal("page 2 repeats page 1")
	}

	// Open every message on the first page: none fails.
	var htmlBody, withAttachment string
	rows.Each(func(_ int, row *goquery.Selection) {
		href, _ := row.Find(`[data-testid="message-link"]`).Attr("href")
		resp, doc := get(t, c, f.http.URL+href)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s = %d", href, resp.StatusCode)
		}
		if doc.Find(`[data-testid="subject"]`).Text() == "" {
			t.Fatalf("%s has no subject", href)
		}
		if doc.Find(`[data-testid="html-body"]`).Length() == 1 && htmlBody == "" {
			htmlBody = href
		}
		if doc.Find(`[data-testid="attachment"]`).Length() > 0 && withAttachment == "" {
			withAttachment = href
		}
	})
	if htmlBody == "" || withAttachment == "" {
		t.Fatalf("the first page has no HTML message (%q) or no attachment (%q)", htmlBody, withAttachment)
	}

	// An HTML body is framed in a sandbox without scripts (same-origin, so
	// the page can size it), and served with its own strict CSP.
	_, doc = get(t, c, f.http.URL+htmlBody)
	frame := doc.Find(`iframe[data-testid="html-body"]`)
	sandbox, ok := frame.Attr("sandbox")
	if !ok || !bodySandboxTokens(sandbox) {
		t.Fatalf("iframe sandbox %q", sandbox)
	}
	src, _ := frame.Attr("src")
	resp, err := c.Get(f.http.URL + src)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if resp.StatusCode != http.StatusOK || !strings.Contains(csp, "default-src 'none'") || !bodySandboxTokens(cspSandbox(csp)) || strings.Contains(csp, "script-src") {
		t.Fatalf("body %s: %d, CSP %q", src, resp.StatusCode, csp)
	}
	if strings.Contains(strings.ToLower(string(body)), "<script") {
		t.Fatal("the body document contains a script")
	}

	// Attachments download as attachments, never sniffed.
	_, doc = get(t, c, f.http.URL+withAttachment)
	href, _ := doc.Find(`[data-testid="attachment"]`).First().Attr("href")
	resp, err = c.Get(f.http.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("attachment %s: %d %q %q", href, resp.StatusCode, resp.Header.Get("Content-Disposition"), resp.Header.Get("X-Content-Type-Options"))
	}

	// A nested folder has a path-escaped URL that works.
	var nested string
	doc.Find(`[data-testid="folder"]`).Each(func(_ int, s *goquery.Selection) {
		if h, _ := s.Attr("href"); strings.Contains(h, "%2F") && nested == "" {
			nested = h
		}
	})
	if nested == "" {
		t.Fatal("no nested folder in the demo mailbox")
	}
	resp, doc = get(t, c, f.http.URL+nested)
	if resp.StatusCode != http.StatusOK || doc.Find(`[data-testid="folder"][aria-current="page"]`).Length() != 1 {
		t.Fatalf("nested folder %s: %d", nested, resp.StatusCode)
	}

	// Unknown message and folder: a clear 404, no internals.
	for _, p := range []string{"/mail/INBOX/999999", "/mail/No%20Such%20Folder"} {
		resp, doc := get(t, c, f.http.URL+p)
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("%s = %d, want 404", p, resp.StatusCode)
		}
		if msg := doc.Find(`[data-testid="error-message"]`).Text(); msg == "" || strings.Contains(msg, "mail:") {
			t.Fatalf("%s message %q", p, msg)
		}
	}

	// Dozens of requests, and the pool logged in no more than its per-user
	// bound: no new IMAP connection per request.
	if st := f.pool.Stats(); st.Dialed > 4 || st.Reused < 50 {
		t.Fatalf("pool stats %+v: requests are not reusing IMAP connections", st)
	}

	// Logout needs the token, then ends the session server-side.
	resp, err = c.PostForm(f.http.URL+"/logout", url.Values{"csrf": {"forged"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("logout with a forged token = %d", resp.StatusCode)
	}
	csrf, _ := doc.Find(`form[action="/logout"] input[name="csrf"]`).Attr("value")
	resp, err = c.PostForm(f.http.URL+"/logout", url.Values{"csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/login" {
		t.Fatalf("logout landed on %s", resp.Request.URL.Path)
	}
	if f.sessions.Len() != 0 {
		t.Fatal("the session survived logout")
	}
}

func TestPagesNeedALogin(t *testing.T) {
	f := newFixture(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range []string{"/", "/mail/INBOX", "/mail/INBOX/1", "/mail/INBOX/1/body", "/mail/INBOX/1/part/2"} {
		resp, err := noRedirect.Get(f.http.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Errorf("%s = %d → %q, want 303 to /login", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	// A made-up session cookie is just a logged-out visitor.
	req, _ := http.NewRequest(http.MethodGet, f.http.URL+"/mail/INBOX", nil)
	req.AddCookie(&http.Cookie{Name: session.CookieName, Value: session.NewID()})
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("unknown session = %d", resp.StatusCode)
	}
}
