package cluster_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webmail/webmail/app"
)

// user is one signed-in person with a browser-like client: a cookie jar,
// no automatic redirects (a redirect to /login is how a lost session
// shows), and its own connections.
type user struct {
	index           int
	email, password string
	base            string // HAProxy's URL
	client          *http.Client
	messagePath     string // a message in INBOX, found after the first login
}

func newUser(index int, email, password, base string) *user {
	jar, _ := cookiejar.New(nil)
	return &user{
		index: index, email: email, password: password, base: base,
		client: &http.Client{
			Jar:           jar,
			Timeout:       15 * time.Second,
			Transport:     &http.Transport{MaxIdleConnsPerHost: 2, IdleConnTimeout: 30 * time.Second},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

var (
	csrfField   = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	messageLink = regexp.MustCompile(`data-testid="message-link"[^>]*href="(/mail/INBOX/[0-9]+)"|href="(/mail/INBOX/[0-9]+)"[^>]*data-testid="message-link"`)
)

// result is what one request did.
type result struct {
	start, end time.Time
	user       int
	path       string
	status     int
	location   string // of a redirect
	err        error  // transport error, or an unexpected page
	body       string // first bytes, for messages
	// signInUnavailable: the page is ours, saying that signing in is
	// unavailable (the session store is down); balancerPage: HAProxy's
	// own 503 page (no instance in rotation).
	signInUnavailable, balancerPage bool
}

// ok reports a request that gave the user what they asked for.
func (r result) ok() bool { return r.err == nil }

// signedOut reports a page that sent the user to the login form: the
// session was gone.
func (r result) signedOut() bool {
	return r.status == http.StatusSeeOther && r.location == "/login"
}

// clear503 reports a "temporarily unavailable" answer: the instance's own
// error page or HAProxy's when no instance is ready.
func (r result) clear503() bool { return r.status == http.StatusServiceUnavailable }

func (r result) String() string {
	s := fmt.Sprintf("user %d %s at %s: status %d", r.user, r.path, r.start.Format("15:04:05.000"), r.status)
	if r.location != "" {
		s += " -> " + r.location
	}
	if r.err != nil {
		s += ": " + r.err.Error()
	}
	return s
}

// get fetches path and checks the page has marker.
func (u *user) get(path, marker string) (r result) {
	r = result{start: time.Now(), user: u.index, path: path}
	defer func() { r.end = time.Now() }()
	resp, err := u.client.Get(u.base + path)
	if err != nil {
		r.err = err
		return r
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	r.status, r.location = resp.StatusCode, resp.Header.Get("Location")
	r.body = string(body[:min(len(body), 300)])
	r.signInUnavailable = strings.Contains(string(body), `data-testid="error-page"`) && strings.Contains(string(body), app.SignInUnavailableTitle)
	r.balancerPage = strings.Contains(string(body), `data-testid="balancer-unavailable"`)
	switch {
	case err != nil:
		r.err = fmt.Errorf("reading the body: %w", err)
	case resp.StatusCode != http.StatusOK:
		r.err = fmt.Errorf("status %d", resp.StatusCode)
	case !strings.Contains(string(body), marker):
		r.err = fmt.Errorf("the page lacks %s", marker)
	}
	return r
}

// login signs in through the login form, as a browser does.
func (u *user) login() (r result) {
	r = result{start: time.Now(), user: u.index, path: "POST /login"}
	defer func() { r.end = time.Now() }()
	resp, err := u.client.Get(u.base + "/login")
	if err != nil {
		r.path, r.err = "GET /login", err
		return r
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	r.balancerPage = strings.Contains(string(body), `data-testid="balancer-unavailable"`)
	if err != nil || resp.StatusCode != http.StatusOK || m == nil {
		r.path, r.status, r.err = "GET /login", resp.StatusCode, fmt.Errorf("no login form (status %d, %v)", resp.StatusCode, err)
		r.body = string(body[:min(len(body), 300)])
		return r
	}
	resp, err = u.client.PostForm(u.base+"/login", url.Values{"username": {u.email}, "password": {u.password}, "csrf": {string(m[1])}})
	if err != nil {
		r.err = err
		return r
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	r.status, r.location = resp.StatusCode, resp.Header.Get("Location")
	r.signInUnavailable = strings.Contains(string(body), app.SignInUnavailable)
	r.balancerPage = strings.Contains(string(body), `data-testid="balancer-unavailable"`)
	if r.status != http.StatusSeeOther || r.location != "/mail/INBOX" {
		r.err = fmt.Errorf("login answered %d to %q", r.status, r.location)
		r.body = string(body[:min(len(body), 300)])
	}
	return r
}

// findMessage reads INBOX and remembers its first message's path.
func (u *user) findMessage() error {
	resp, err := u.client.Get(u.base + "/mail/INBOX")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := messageLink.FindStringSubmatch(string(body))
	if resp.StatusCode != http.StatusOK || m == nil {
		return fmt.Errorf("user %d: INBOX answered %d without a message link", u.index, resp.StatusCode)
	}
	u.messagePath = m[1] + m[2]
	return nil
}

// sessionCookie returns the user's session cookie, for requests sent to
// one instance directly.
func (u *user) sessionCookie() *http.Cookie {
	base, _ := url.Parse(u.base)
	for _, c := range u.client.Jar.Cookies(base) {
		if c.Name == "webmail_session" {
			return c
		}
	}
	return nil
}

// Markers of the two pages the load reads.
const (
	inboxMarker   = `data-testid="message-row"`
	messageMarker = `data-testid="subject"`
)

// Bounds of one load run: it stops when told to, and in any case after
// maxLoadRequests requests per user or maxLoadDuration.
const (
	maxLoadRequests = 3000
	maxLoadDuration = 60 * time.Second
	thinkTime       = 20 * time.Millisecond
)

// load runs every user in a loop of "list INBOX, open a message" until
// stopped. A user sent to the login form signs in again and goes on; the
// step decides whether that was allowed.
type load struct {
	users  []*user
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	results []result
}

// startLoad starts the users' loops; they end with stop, or when the
// test ends.
func startLoad(t *testing.T, users []*user) *load {
	ctx, cancel := context.WithTimeout(context.Background(), maxLoadDuration)
	l := &load{users: users, cancel: cancel}
	t.Cleanup(func() { l.stop() })
	for _, u := range users {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.run(ctx, u)
		}()
	}
	return l
}

func (l *load) run(ctx context.Context, u *user) {
	for i := 0; i < maxLoadRequests && ctx.Err() == nil; i++ {
		var r result
		if i%2 == 0 {
			r = u.get("/mail/INBOX", inboxMarker)
		} else {
			r = u.get(u.messagePath, messageMarker)
		}
		l.record(r)
		if r.signedOut() {
			l.signIn(ctx, u)
		}
		select {
		case <-ctx.Done():
		case <-time.After(thinkTime):
		}
	}
}

// signIn signs a user in again after a lost session, retrying a bounded
// number of times while the cluster is not serving, so that one lost
// session shows as exactly one redirect to the login form.
func (l *load) signIn(ctx context.Context, u *user) {
	for attempt := 0; attempt < 50 && ctx.Err() == nil; attempt++ {
		r := u.login()
		l.record(r)
		if r.ok() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (l *load) record(r result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.results = append(l.results, r)
}

// stop ends the load and returns every result.
func (l *load) stop() []result {
	l.cancel()
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.results
}

// tally counts results.
type tally struct {
	requests, failed, signedOut, clear503, other int
	slowest                                      time.Duration
}

func count(results []result, keep func(result) bool) tally {
	var t tally
	for _, r := range results {
		if keep != nil && !keep(r) {
			continue
		}
		t.requests++
		t.slowest = max(t.slowest, r.end.Sub(r.start))
		if r.ok() {
			continue
		}
		t.failed++
		switch {
		case r.signedOut():
			t.signedOut++
		case r.clear503():
			t.clear503++
		default:
			t.other++
		}
	}
	return t
}

func (t tally) String() string {
	return fmt.Sprintf("%d requests, %d failed (%d signed out, %d answered 503, %d other), slowest %s",
		t.requests, t.failed, t.signedOut, t.clear503, t.other, t.slowest.Round(time.Millisecond))
}

// failures lists up to n failed results, for messages.
func failures(results []result, n int) string {
	var b strings.Builder
	for _, r := range results {
		if !r.ok() && n > 0 {
			fmt.Fprintf(&b, "\n  %s (%q)", r, r.body)
			n--
		}
	}
	return b.String()
}
