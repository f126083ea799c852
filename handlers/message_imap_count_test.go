package handlers_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/webmail/webmail/mail"
)

// imapRecorder is a TCP proxy between the app and Dovecot that records
// every line the app sends: what the IMAP server is really asked, counted
// at the wire.
type imapRecorder struct {
	listener net.Listener
	target   string
	mu       sync.Mutex
	lines    []string
}

func newIMAPRecorder(t *testing.T, target string) *imapRecorder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &imapRecorder{listener: ln, target: target}
	t.Cleanup(func() { ln.Close() })
	go r.serve()
	return r
}

func (r *imapRecorder) serve() {
	for {
		client, err := r.listener.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", r.target)
		if err != nil {
			client.Close()
			continue
		}
		go func() {
			io.Copy(client, server)
			client.Close()
		}()
		go func() {
			r.record(client, server)
			server.Close()
		}()
	}
}

// record forwards what the client sends, a line at a time, noting each
// line before the server sees it: once the app has an answer, the line
// that asked for it is recorded.
func (r *imapRecorder) record(client io.Reader, server io.Writer) {
	in := bufio.NewReader(client)
	for {
		line, err := in.ReadString('\n')
		if line != "" {
			r.mu.Lock()
			r.lines = append(r.lines, strings.TrimRight(line, "\r\n"))
			r.mu.Unlock()
			if _, werr := io.WriteString(server, line); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// take returns the lines recorded since the last call, and forgets them.
func (r *imapRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	lines := r.lines
	r.lines = nil
	return lines
}

// bodyFetch matches a command fetching a whole message: BODY[] or
// BODY.PEEK[] with an empty section.
var bodyFetch = regexp.MustCompile(`(?i)^\S+ (UID )?FETCH .*BODY(\.PEEK)?\[\]`)

func countBodyFetches(lines []string) int {
	n := 0
	for _, l := range lines {
		if bodyFetch.MatchString(l) {
			n++
		}
	}
	return n
}

// TestMessageViewFetchesOnce counts, at the wire, the IMAP commands of one
// message view: the page and the body document its iframe loads fetch
// the message once between them, and the body document asked for again
// fetches nothing.
func TestMessageViewFetchesOnce(t *testing.T) {
	var recorder *imapRecorder
	f := newMsgFixture(t, func(d *testServerDeps) {
		recorder = newIMAPRecorder(t, d.IMAP.Host)
		d.IMAP = mail.Endpoint{Scheme: d.IMAP.Scheme, Host: recorder.listener.Addr().String()}
	})
	uid := f.appendMessages(t, "INBOX", loadEML(t, "rich-html.eml"))[0]
	base := fmt.Sprintf("/mail/INBOX/%d", uid)
	recorder.take() // the sign-in

	resp, doc := f.page(t, base)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", base, resp.StatusCode)
	}
	bodyURL, _ := doc.Find(`iframe`).Attr("src")
	if bodyURL == "" {
		t.Fatal("the page frames no body document")
	}
	resp, body := f.fetch(t, bodyURL)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "</body></html>") {
		t.Fatalf("GET %s = %d", bodyURL, resp.StatusCode)
	}
	view := recorder.take()
	t.Logf("IMAP commands of one message view (page + body document):\n%s", strings.Join(view, "\n"))
	if n := countBodyFetches(view); n != 1 {
		t.Errorf("page + body document fetched the message %d times, want once:\n%s", n, strings.Join(view, "\n"))
	}

	resp, again := f.fetch(t, bodyURL)
	if resp.StatusCode != http.StatusOK || string(again) != string(body) {
		t.Fatalf("GET %s again = %d, same document %v", bodyURL, resp.StatusCode, string(again) == string(body))
	}
	second := recorder.take()
	t.Logf("IMAP commands of the body document again:\n%s", strings.Join(second, "\n"))
	if n := countBodyFetches(second); n != 0 {
		t.Errorf("the body document again fetched the message %d times, want none:\n%s", n, strings.Join(second, "\n"))
	}
}
