package cluster_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	gomail "github.com/emersion/go-message/mail"
)

// directClient is a client of one instance, bypassing HAProxy, that
// carries u's session cookie: the session lives in Redis, so any instance
// knows it.
func directClient(t *testing.T, u *user, in *instance) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	cookie := u.sessionCookie()
	if cookie == nil {
		t.Fatalf("user %d has no session cookie", u.index)
	}
	base, _ := url.Parse("http://" + in.addr)
	jar.SetCookies(base, []*http.Cookie{{Name: cookie.Name, Value: cookie.Value, Path: "/"}})
	return &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var revisionField = regexp.MustCompile(`name="revision" value="([0-9]+)"`)

// composePage reads the compose page from base and returns its CSRF token
// and revision.
func composePage(t *testing.T, client *http.Client, base, path string) (token, revision string) {
	t.Helper()
	resp, err := client.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tm, rm := csrfField.FindSubmatch(body), revisionField.FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || tm == nil || rm == nil {
		t.Fatalf("compose page %s: %d, token or revision missing", path, resp.StatusCode)
	}
	return string(tm[1]), string(rm[1])
}

// stepComposeAcrossInstances: a message is begun and given an attachment
// on instance A, autosaved on B, A is killed, and the message is sent
// through HAProxy (so by B or C). The compose, its upload (in S3) and the
// outbox are shared, so it is delivered once with the attachment's bytes
// intact: no "invalid compose ID" behind a load balancer.
func stepComposeAcrossInstances(t *testing.T, c *cluster) {
	u := c.users[0]
	a, b := c.instances[0], c.instances[1]
	rcpt, rcptPassword := c.mail.AddUser(t)
	onA, onB := directClient(t, u, a), directClient(t, u, b)
	baseA, baseB := "http://"+a.addr, "http://"+b.addr

	// Begin on A.
	resp, err := onA.Get(baseA + "/compose")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	path := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(path, "/compose/") {
		t.Fatalf("GET /compose on %s: %d to %q", a.name, resp.StatusCode, path)
	}
	token, _ := composePage(t, onA, baseA, path)

	// Upload on A.
	data := make([]byte, 3<<20)
	rand.Read(data)
	filename := "Überweisung März.pdf"
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", token)
	part, _ := mw.CreateFormFile("attachment", filename)
	part.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, baseA+path+"/attachments", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-CSRF-Token", token)
	if resp, err = onA.Do(req); err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload on %s: %d %s", a.name, resp.StatusCode, answer)
	}

	// Autosave on B, as compose.js does.
	_, revision := composePage(t, onB, baseB, path)
	subject := fmt.Sprintf("Across the cluster %d", time.Now().UnixNano())
	fields := url.Values{"csrf": {token}, "revision": {revision}, "to": {rcpt}, "subject": {subject},
		"body": {"Written on three instances."}}
	req, _ = http.NewRequest(http.MethodPost, baseB+path, strings.NewReader(fields.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if resp, err = onB.Do(req); err != nil {
		t.Fatal(err)
	}
	var saved struct {
		Revision int64 `json:"revision"`
	}
	err = json.NewDecoder(resp.Body).Decode(&saved)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || err != nil || saved.Revision == 0 {
		t.Fatalf("autosave on %s: %d, %v", b.name, resp.StatusCode, err)
	}

	// A dies; the message is sent through HAProxy.
	a.kill(t)
	c.lb.WaitServerStatus(t, backend, a.name, "DOWN", haproxyTimeout)
	clicked := time.Now()
	fields.Set("revision", fmt.Sprint(saved.Revision))
	resp, err = u.client.PostForm(u.base+path+"/send", fields)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path+"/send" {
		t.Fatalf("send through HAProxy: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	deadline := time.Now().Add(45 * time.Second) // the default undo window is 10 s
	for {
		r := u.get(path+"/send", `data-state="sent"`)
		if r.ok() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not sent 45 s after the click: %v %q", r, r.body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	sentAfter := time.Since(clicked)
	c.mail.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	time.Sleep(time.Second) // a second copy would be in by now
	client := c.mail.IMAPClient(t, rcpt, rcptPassword)
	selected, err := client.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if selected.NumMessages != 1 {
		t.Fatalf("the recipient has %d messages, want exactly 1", selected.NumMessages)
	}
	msgs, err := client.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetching the message: %d, %v", len(msgs), err)
	}
	var raw []byte
	for _, section := range msgs[0].BodySection {
		raw = section.Bytes
	}
	gotName, gotSum := attachmentOf(t, raw)
	if gotName != filename || gotSum != sha256.Sum256(data) {
		t.Fatalf("attachment %q arrived changed (name %v, bytes equal %v)", gotName, gotName == filename, gotSum == sha256.Sum256(data))
	}
	report(t, "compose begun and uploaded (3 MiB) on %s, autosaved on %s, %s killed, sent through HAProxy: delivered once with the attachment intact, %.1fs after the click (10 s undo window)",
		a.name, b.name, a.name, sentAfter.Seconds())
	c.restart(t, a)
}

// attachmentOf reads a message's attachment: its decoded filename and
// the hash of its decoded bytes.
func attachmentOf(t *testing.T, raw []byte) (string, [sha256.Size]byte) {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			t.Fatal("no attachment in the message")
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*gomail.AttachmentHeader); ok {
			name, _ := h.Filename()
			sum := sha256.New()
			io.Copy(sum, p.Body)
			var out [sha256.Size]byte
			copy(out[:], sum.Sum(nil))
			return name, out
		}
	}
}
