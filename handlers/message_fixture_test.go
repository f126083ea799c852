package handlers_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/store"
)

// msgFixture runs the handlers in an httptest.Server against the test
// Dovecot (real IMAP: SPECIAL-USE folders Drafts, Sent, Junk, Trash and
// Archive, ESEARCH, MOVE), with SQLite and a memory session store, and a
// browser already signed in as a fresh user.
type msgFixture struct {
	*fixture
	env      *testenv.Mail
	email    string
	password string
	db       *store.DB
	browser  *http.Client
}

// newMsgFixture starts the fixture; tweaks change the dependencies
// before the server starts.
func newMsgFixture(t *testing.T, tweaks ...func(*testServerDeps)) *msgFixture {
	t.Helper()
	env := testenv.NewMail(t)
	email, password := env.AddUser(t)
	deps, mem := testDeps(t, env.IMAPAddr)
	for _, tweak := range tweaks {
		tweak(&deps)
	}
	srv := deps.server()
	hs := httptest.NewServer(srv.Routes())
	t.Cleanup(hs.Close)
	f := &msgFixture{
		fixture:  &fixture{server: srv, http: hs, sessions: mem, pool: deps.Pool},
		env:      env,
		email:    email,
		password: password,
		db:       deps.DB,
	}
	f.browser = f.client()
	resp, _ := f.login(t, f.browser, email, password)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login to Dovecot through the app: %d", resp.StatusCode)
	}
	return f
}

// appendMessages stores messages in mailbox and returns their UIDs.
func (f *msgFixture) appendMessages(t *testing.T, mailbox string, raws ...[]byte) []uint32 {
	t.Helper()
	var out []uint32
	for _, uid := range f.env.AppendMessages(t, f.email, f.password, mailbox, raws) {
		out = append(out, uint32(uid))
	}
	return out
}

// imap is a plain IMAP client of the same user, to check what the app did.
func (f *msgFixture) imap(t *testing.T) *imapclient.Client {
	t.Helper()
	return f.env.IMAPClient(t, f.email, f.password)
}

// uids lists the UIDs in mailbox that match criteria (nil: all).
func (f *msgFixture) uids(t *testing.T, mailbox string, criteria *imap.SearchCriteria) []uint32 {
	t.Helper()
	c := f.imap(t)
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("select %s: %v", mailbox, err)
	}
	if criteria == nil {
		criteria = &imap.SearchCriteria{}
	}
	data, err := c.UIDSearch(criteria, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	var out []uint32
	for _, uid := range data.AllUIDs() {
		out = append(out, uint32(uid))
	}
	return out
}

// csrf is the signed-in browser's anti-forgery token, from any page.
func (f *msgFixture) csrf(t *testing.T) string {
	t.Helper()
	_, doc := get(t, f.browser, f.http.URL+"/folders")
	token, _ := doc.Find("body").Attr("data-csrf")
	if token == "" {
		t.Fatal("no CSRF token on the page")
	}
	return token
}

// post submits a form as the signed-in browser without following the
// redirect, and returns the response with its body read.
func (f *msgFixture) post(t *testing.T, path string, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	noFollow := *f.browser
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.PostForm(f.http.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

// fetch GETs path as the signed-in browser and returns the response with
// its whole body.
func (f *msgFixture) fetch(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := f.browser.Get(f.http.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// page GETs path as the signed-in browser and parses the HTML.
func (f *msgFixture) page(t *testing.T, path string) (*http.Response, *goquery.Document) {
	t.Helper()
	resp, body := f.fetch(t, path)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

// loadEML reads a message from testdata with CRLF line ends, as IMAP
// wants them.
func loadEML(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(raw), "\r\n", "\n")
	return []byte(strings.ReplaceAll(text, "\n", "\r\n"))
}

// plainEML is a small text message numbered n.
func plainEML(n int) []byte {
	date := time.Date(2024, 3, 1, 9, 0, n, 0, time.UTC).Format(time.RFC1123Z)
	return []byte("From: Sender <sender@example.org>\r\nTo: reader@example.test\r\nSubject: Plain " +
		string(rune('A'+n-1)) + "\r\nDate: " + date + "\r\nMessage-ID: <plain" + string(rune('a'+n-1)) +
		"@example.org>\r\n\r\nText of message " + string(rune('A'+n-1)) + ".\r\n")
}
