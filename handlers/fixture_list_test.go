package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/internal/demo"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail"
)

// listFixture is the demo fixture (go-imap's in-memory server, which has
// neither SORT nor THREAD, seeded with ~550 messages) with a browser
// signed in as the demo user.
type listFixture struct {
	*fixture
	browser *http.Client
	token   string
}

func newListFixture(t *testing.T) *listFixture {
	t.Helper()
	f := &listFixture{fixture: newFixture(t)}
	f.browser = f.client()
	resp, doc := f.login(t, f.browser, demo.DefaultUser, demo.DefaultPassword)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	f.token, _ = doc.Find("body").Attr("data-csrf")
	if f.token == "" {
		t.Fatal("no CSRF token on the page")
	}
	return f
}

// open GETs path as the signed-in browser (following redirects).
func (f *listFixture) open(t *testing.T, path string) (*http.Response, *goquery.Document) {
	t.Helper()
	return get(t, f.browser, f.http.URL+path)
}

// submit posts a form as the browser would without scripts, adding the
// CSRF token, and does not follow the redirect.
func (f *listFixture) submit(t *testing.T, path string, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	form = cloneValues(form)
	if form.Get("csrf") == "" {
		form.Set("csrf", f.token)
	}
	noFollow := *f.browser
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.PostForm(f.http.URL+path, form)
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

// call posts a form the way list.js does: token in X-CSRF-Token, asking for
// JSON. It returns the status and the decoded answer.
func (f *listFixture) call(t *testing.T, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.http.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-CSRF-Token", f.token)
	resp, err := f.browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		t.Fatalf("%s: status %d, not JSON: %v", path, resp.StatusCode, err)
	}
	return resp.StatusCode, answer
}

// mailClient is a direct IMAP connection to the demo server as the demo
// user, to check what the app did and to compare orders.
func (f *listFixture) mailClient(t *testing.T) *mail.Client {
	t.Helper()
	ep, err := mail.ParseIMAPURL("imap://" + f.mail.IMAPAddr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := mail.DialIMAP(context.Background(), ep, demo.DefaultUser, demo.DefaultPassword, mail.DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// rowUIDs are the UIDs of the list's rows, in order.
func rowUIDs(t *testing.T, doc *goquery.Document) []uint32 {
	t.Helper()
	var out []uint32
	doc.Find(`[data-testid="message-row"]`).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr("data-uid")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			t.Fatalf("row without UID: %q", v)
		}
		out = append(out, uint32(n))
	})
	return out
}

// uidValues are UIDs as form values.
func uidValues(uids ...uint32) []string {
	var out []string
	for _, uid := range uids {
		out = append(out, strconv.FormatUint(uint64(uid), 10))
	}
	return out
}

// statusLine is the list's status line.
func statusLine(doc *goquery.Document) string {
	return strings.TrimSpace(doc.Find(`[data-testid="status"]`).Text())
}

// summaries lists every message of mailbox, newest first, straight from
// the server.
func summaries(t *testing.T, c *mail.Client, mailbox string) []mail.Summary {
	t.Helper()
	p, err := c.ListSorted(context.Background(), mailbox, mail.ListQuery{Sort: mail.SortArrival, Descending: true, Page: 1, PageSize: mail.MaxPageSize})
	if err != nil {
		t.Fatalf("list %s: %v", mailbox, err)
	}
	return p.Messages
}

// findCopy returns the UID of the message in mailbox with the subject and
// date of m (a moved or copied message gets a new UID), 0 if none.
func findCopy(t *testing.T, c *mail.Client, mailbox string, m mail.Summary) uint32 {
	t.Helper()
	for _, s := range summaries(t, c, mailbox) {
		if s.Subject == m.Subject && s.Date.Equal(m.Date) {
			return s.UID
		}
	}
	return 0
}

// keywordUIDs lists the UIDs in mailbox that carry keyword.
func (f *listFixture) keywordUIDs(t *testing.T, mailbox, keyword string) []uint32 {
	t.Helper()
	c, err := imapclient.DialInsecure(f.mail.IMAPAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(demo.DefaultUser, demo.DefaultPassword).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{Flag: []imap.Flag{imap.Flag(keyword)}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	var out []uint32
	for _, uid := range data.AllUIDs() {
		out = append(out, uint32(uid))
	}
	return out
}

// mailSummary is mail.Summary, short for tests.
type mailSummary = mail.Summary

// uidString is a UID as the page writes it.
func uidString(uid uint32) string { return strconv.FormatUint(uint64(uid), 10) }

// newDovecotListFixture is the app in front of the test Dovecot (SORT,
// THREAD=REFERENCES, SPECIAL-USE folders) for a fresh user, with a browser
// signed in; it returns the user's address and password too.
func newDovecotListFixture(t *testing.T) (f *listFixture, env *testenv.Mail, email, password string) {
	t.Helper()
	env = testenv.NewMail(t)
	email, password = env.AddUser(t)
	deps, mem := testDeps(t, env.IMAPAddr)
	deps.PageSize = 3
	srv := deps.server()
	hs := httptest.NewServer(srv.Routes())
	t.Cleanup(hs.Close)
	f = &listFixture{fixture: &fixture{server: srv, http: hs, sessions: mem, pool: deps.Pool}}
	f.browser = f.client()
	resp, doc := f.login(t, f.browser, email, password)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login to Dovecot through the app: %d", resp.StatusCode)
	}
	f.token, _ = doc.Find("body").Attr("data-csrf")
	return f, env, email, password
}
