package handlers_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/internal/demo"
)

// composeFixture is the handlers against the demo IMAP server with an
// upload limit of maxUpload, and the directory of the fs attachment store.
func newComposeFixture(t *testing.T, maxUpload int64) (*fixture, string) {
	t.Helper()
	mailSrv, err := demo.Start(context.Background(), demo.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mailSrv.Close() })
	deps, mem := testDeps(t, mailSrv.IMAPAddr)
	deps.MaxUpload = maxUpload
	dir := t.TempDir()
	if deps.Attachments, err = attachments.Open(context.Background(), "fs", attachments.Config{DataDir: dir}); err != nil {
		t.Fatal(err)
	}
	srv := deps.server()
	hs := httptest.NewServer(srv.Routes())
	t.Cleanup(hs.Close)
	return &fixture{server: srv, http: hs, sessions: mem, mail: mailSrv, pool: deps.Pool}, dir
}

// formValues reads every named field of the compose form as a browser
// without JavaScript would post it.
func formValues(doc *goquery.Document) url.Values {
	v := url.Values{}
	doc.Find("#compose-form input[name], #compose-form textarea[name], #compose-form select[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch {
		case goquery.NodeName(s) == "textarea":
			v.Set(name, s.Text())
		case goquery.NodeName(s) == "select":
			value, _ := s.Find("option[selected]").Attr("value")
			v.Set(name, value)
		case s.AttrOr("type", "") == "checkbox":
			if _, checked := s.Attr("checked"); checked {
				v.Set(name, s.AttrOr("value", "on"))
			}
		default:
			v.Set(name, s.AttrOr("value", ""))
		}
	})
	return v
}

// TestComposeFormWithoutJavaScript goes through the compose page as a
// browser without JavaScript: a mailto-style link starts it, the form
// saves, an attachment goes up through the separate form, and the page
// shows it all back.
func TestComposeFormWithoutJavaScript(t *testing.T) {
	f, _ := newComposeFixture(t, 0)
	c := f.client()
	f.login(t, c, demo.DefaultUser, demo.DefaultPassword)
	resp, doc := get(t, c, f.http.URL+"/compose?to=bob%40example.org&subject=Hello%20there&body=First%20line")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/compose/") {
		t.Fatalf("GET /compose ended at %s with %d", resp.Request.URL, resp.StatusCode)
	}
	page := resp.Request.URL.String()
	values := formValues(doc)
	if values.Get("to") != "bob@example.org" || values.Get("subject") != "Hello there" || values.Get("body") != "First line" {
		t.Fatalf("prefilled form: %v", values)
	}
	for _, field := range []string{"csrf", "revision", "identity", "priority", "send_at", "cc", "bcc"} {
		if _, ok := values[field]; !ok {
			t.Errorf("form lacks the %s field", field)
		}
	}
	if action, _ := doc.Find(`[data-testid="send"]`).Attr("formaction"); action != resp.Request.URL.Path+"/send" {
		t.Errorf("send button posts to %q", action)
	}
	values.Set("cc", "Carol <carol@example.org>")
	values.Set("subject", "Hello again")
	values.Set("body", "Line one\r\nLine two")
	values.Set("priority", "high")
	values.Set("read_receipt", "1")
	resp, err := c.PostForm(page, values)
	if err != nil {
		t.Fatal(err)
	}
	doc, err = goquery.NewDocumentFromReader(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || resp.Request.URL.Query().Get("saved") == "" {
		t.Fatalf("save ended at %s with %d (%v)", resp.Request.URL, resp.StatusCode, err)
	}
	if state := doc.Find(`[data-testid="save-state"]`).Text(); !strings.HasPrefix(state, "Draft saved at ") {
		t.Errorf("status after saving: %q", state)
	}
	saved := formValues(doc)
	if saved.Get("cc") != "Carol <carol@example.org>" || saved.Get("subject") != "Hello again" ||
		saved.Get("body") != "Line one\nLine two" || saved.Get("priority") != "high" || saved.Get("read_receipt") != "1" {
		t.Errorf("saved form: %v", saved)
	}
	if saved.Get("revision") == values.Get("revision") {
		t.Error("the revision did not move on with the save")
	}
	if doc.Find(`[data-testid="overwrote"]`).AttrOr("hidden", "no") != "" {
		t.Error("a save from the current revision shows the overwrite banner")
	}

	// The attachment form, as a browser posts it: csrf first, then the file.
	resp = postUpload(t, c, page, doc, "notes.txt", []byte("attached text"))
	doc, err = goquery.NewDocumentFromReader(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %v", resp.StatusCode, err)
	}
	link := doc.Find(`[data-testid="upload"] a.upload-name`)
	if link.Text() != "notes.txt" {
		t.Fatalf("attachments listed: %q", link.Text())
	}
	href, _ := link.Attr("href")
	resp, err = c.Get(f.http.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "attached text" || resp.Header.Get("Content-Type") != "application/octet-stream" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("attachment served as %q %q %q", body, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}

	// A save from the old revision (another window) still saves, and says so.
	values.Set("subject", "From the other window")
	resp, err = c.PostForm(page, values)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ = goquery.NewDocumentFromReader(resp.Body)
	resp.Body.Close()
	banner := doc.Find(`[data-testid="overwrote"]`)
	if _, hidden := banner.Attr("hidden"); hidden || !strings.Contains(banner.Text(), "also changed in another window") {
		t.Errorf("no overwrite banner after a stale save: %q", banner.Text())
	}
	if got := formValues(doc).Get("subject"); got != "From the other window" {
		t.Errorf("the later save did not win: %q", got)
	}

	// Removing the attachment, then discarding.
	action, _ := doc.Find(".upload-delete").Attr("action")
	resp, err = c.PostForm(f.http.URL+action, url.Values{"csrf": {values.Get("csrf")}})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ = goquery.NewDocumentFromReader(resp.Body)
	resp.Body.Close()
	if n := doc.Find(`[data-testid="upload"]`).Length(); n != 0 {
		t.Errorf("%d attachments after removing the only one", n)
	}
	resp, err = c.PostForm(page+"/discard", url.Values{"csrf": {values.Get("csrf")}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, _ = get(t, c, page)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("discarded compose answers %d", resp.StatusCode)
	}
}

// postUpload posts the page's upload form with one file.
func postUpload(t *testing.T, c *http.Client, base string, doc *goquery.Document, name string, content []byte) *http.Response {
	t.Helper()
	form := doc.Find(`[data-testid="upload-form"]`)
	action, _ := form.Attr("action")
	csrf, _ := form.Find(`input[name="csrf"]`).Attr("value")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("attachment", name)
	fw.Write(content)
	mw.Close()
	baseURL, _ := url.Parse(base)
	target, _ := baseURL.Parse(action)
	resp, err := c.Post(target.String(), mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestUploadOverLimitRefused: a file over WEBMAIL_MAX_UPLOAD is refused
// with 413 and a message naming the limit, and nothing is kept.
func TestUploadOverLimitRefused(t *testing.T) {
	f, dir := newComposeFixture(t, 1<<20)
	c := f.client()
	f.login(t, c, demo.DefaultUser, demo.DefaultPassword)
	resp, doc := get(t, c, f.http.URL+"/compose")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /compose: %d", resp.StatusCode)
	}
	page := resp.Request.URL.String()
	if limit, _ := doc.Find("#compose-form").Attr("data-upload-limit"); limit != "1048576" {
		t.Errorf("page tells the browser a limit of %q", limit)
	}
	resp = postUpload(t, c, page, doc, "big.bin", bytes.Repeat([]byte("x"), 1<<20+1))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "1 MB") {
		t.Fatalf("upload over the limit: %d %s", resp.StatusCode, body)
	}
	var kept []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(path, "uploads") {
			kept = append(kept, path)
		}
		return nil
	})
	if len(kept) != 0 {
		t.Errorf("files kept after a refused upload: %v", kept)
	}
	_, doc = get(t, c, page)
	if n := doc.Find(`[data-testid="upload"]`).Length(); n != 0 {
		t.Errorf("%d uploads listed after a refused one", n)
	}
}
