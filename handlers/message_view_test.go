package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestMessageViewHTML opens a rich HTML message: headers and all headers,
// remote content blocked with both ways to allow it, cid: image embedded,
// attachments with previews only for real raster images, an attached
// message viewable with its own body and attachments, view source, print.
func TestMessageViewHTML(t *testing.T) {
	f := newMsgFixture(t)
	uid := f.appendMessages(t, "INBOX", loadEML(t, "rich-html.eml"))[0]
	base := fmt.Sprintf("/mail/INBOX/%d", uid)

	resp, doc := f.page(t, base)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", base, resp.StatusCode)
	}
	if got := doc.Find(`[data-testid="subject"]`).Text(); got != "Spécial offer <b>bold</b>" {
		t.Errorf("subject %q: not decoded or not escaped", got)
	}
	if doc.Find(`h1 b`).Length() != 0 {
		t.Error("markup in the subject became HTML")
	}
	if got := doc.Find(`[data-testid="from"]`).Text(); got != "Shop News <News@Shop.example>" {
		t.Errorf("from %q", got)
	}
	if got := doc.Find(`[data-testid="reply-to"]`).Text(); got != "replies@shop.example" {
		t.Errorf("reply-to %q", got)
	}
	all := doc.Find(`details[data-testid="all-headers"]`)
	if !strings.Contains(all.Text(), "X-Mailer") || !strings.Contains(all.Text(), "Handwritten test 1.0") {
		t.Errorf("all headers lack X-Mailer: %q", all.Text())
	}
	for testid, want := range map[string]string{"view-source": base + "/source", "print": base + "/print", "download-eml": base + "/raw"} {
		if href, _ := doc.Find(`[data-testid="` + testid + `"]`).Attr("href"); href != want {
			t.Errorf("%s link %q, want %q", testid, href, want)
		}
	}

	// Remote content: blocked, with "show images" and "always for this sender".
	if doc.Find(`[data-testid="remote-blocked"]`).Length() != 1 {
		t.Fatal("no remote-content notice")
	}
	if href, _ := doc.Find(`[data-testid="show-images"]`).Attr("href"); href != base+"?images=1" {
		t.Errorf("show images link %q", href)
	}
	trustForm := doc.Find(`[data-testid="trust-sender"]`).Closest("form")
	if v, _ := trustForm.Find(`input[name="sender"]`).Attr("value"); v != "news@shop.example" {
		t.Errorf("trust form sender %q", v)
	}
	frame := doc.Find(`iframe[data-testid="html-body"]`)
	src, _ := frame.Attr("src")
	// Same-origin (so the page can size the frame to its content), never
	// with scripts, forms or top navigation: see bodySandboxTokens.
	if sandbox, ok := frame.Attr("sandbox"); !ok || !bodySandboxTokens(sandbox) {
		t.Fatalf("iframe sandbox %q", sandbox)
	}
	if src != base+"/body" {
		t.Fatalf("iframe src %q", src)
	}
	resp, body := f.fetch(t, src)
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") || !bodySandboxTokens(cspSandbox(csp)) || strings.Contains(csp, "https:") {
		t.Errorf("body CSP %q", csp)
	}
	text := string(body)
	if strings.Contains(text, "tracker.shop.example") || strings.Contains(strings.ToLower(text), "<script") {
		t.Errorf("body leaks the tracker or a script: %s", text)
	}
	if !strings.Contains(text, `src="data:image/png;base64,iVBOR`) {
		t.Errorf("the cid: logo is not embedded: %s", text)
	}
	// From our own page, ?images=1 loads the remote image, through our
	// image proxy (issue 10, finding 7).
	_, proxied := f.fetchFrom(t, src+"?images=1", "same-origin")
	if !strings.Contains(proxied, "/proxy/image?url="+url.QueryEscape("https://tracker.shop.example/open.gif")+"&amp;sig=") ||
		strings.Contains(proxied, `"https://tracker.shop.example`) {
		t.Error("?images=1 does not load the remote image through the proxy")
	}

	// Attachments: the inline logo is in the body, not in the list.
	type item struct{ name, href, preview, view string }
	var items []item
	doc.Find(`[data-testid="attachments"] li`).Each(func(_ int, li *goquery.Selection) {
		a := li.Find(`[data-testid="attachment"]`)
		it := item{name: strings.TrimSpace(a.Contents().First().Text())}
		it.href, _ = a.Attr("href")
		it.preview, _ = li.Find(`img[data-testid="preview"]`).Attr("src")
		it.view, _ = li.Find(`[data-testid="view-attached"]`).Attr("href")
		items = append(items, it)
	})
	want := []item{
		{"photo.png", base + "/part/2", base + "/part/2?inline=1", ""},
		{"drawing.svg", base + "/part/3", "", ""},
		{"fake.png", base + "/part/4", base + "/part/4?inline=1", ""},
		{"forwarded.eml", base + "/part/5", "", base + "/part/5/view"},
	}
	if fmt.Sprint(items) != fmt.Sprint(want) {
		t.Fatalf("attachments\n got %v\nwant %v", items, want)
	}
	// A real PNG previews inline; anything else is a download, whatever
	// it claims to be.
	resp, _ = f.fetch(t, base+"/part/2?inline=1")
	if resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("Content-Disposition") != "inline" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Content-Security-Policy") != "default-src 'none'; sandbox" {
		t.Errorf("PNG preview headers %v", resp.Header)
	}
	for _, p := range []string{"/part/3?inline=1", "/part/4?inline=1", "/part/2", "/part/5"} {
		resp, _ := f.fetch(t, base+p)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d %q", p, resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
	}
	for _, p := range []string{"/part/9", "/part/2:1", "/part/x", "/part/1..2", "/part/5:1:1:1:1:1:1"} {
		if resp, _ := f.fetch(t, base+p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", p, resp.StatusCode)
		}
	}

	// The attached message: its own page, body and attachments.
	resp, att := f.page(t, base+"/part/5/view")
	if resp.StatusCode != http.StatusOK || att.Find(`[data-testid="subject"]`).Text() != "The original" {
		t.Fatalf("attached message page: %d %q", resp.StatusCode, att.Find(`[data-testid="subject"]`).Text())
	}
	if href, _ := att.Find(`[data-testid="back"]`).Attr("href"); href != base {
		t.Errorf("attached message back link %q", href)
	}
	if att.Find(`[data-testid="actions"]`).Length() != 0 {
		t.Error("an attached message offers mailbox actions")
	}
	asrc, _ := att.Find(`iframe[data-testid="html-body"]`).Attr("src")
	resp, body = f.fetch(t, asrc)
	if asrc != base+"/part/5/body" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") ||
		!strings.Contains(string(body), "café") || strings.Contains(string(body), "remote.example") {
		t.Errorf("attached body %s: CSP %q, %s", asrc, resp.Header.Get("Content-Security-Policy"), body)
	}
	notes, _ := att.Find(`[data-testid="attachment"]`).Attr("href")
	resp, body = f.fetch(t, notes)
	if notes != base+"/part/5:2" || string(body) != "inner notes" || !strings.Contains(resp.Header.Get("Content-Disposition"), "notes.txt") {
		t.Errorf("attached message's attachment %s: %q %q", notes, body, resp.Header.Get("Content-Disposition"))
	}
	if resp, _ := f.fetch(t, base+"/part/2/view"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("viewing a PNG as a message = %d, want 404", resp.StatusCode)
	}

	// View source: the raw message as text, markup escaped.
	resp, src2 := f.page(t, base+"/source")
	source := src2.Find(`pre[data-testid="source"]`)
	if resp.StatusCode != http.StatusOK || !strings.Contains(source.Text(), "X-Mailer: Handwritten test 1.0") ||
		!strings.Contains(source.Text(), "<script>alert(1)</script>") || source.Find("script").Length() != 0 {
		t.Errorf("source page: %d %q", resp.StatusCode, source.Text()[:min(200, len(source.Text()))])
	}

	// Print view: a standalone document under the body's CSP, never framed.
	resp, printed := f.page(t, base+"/print")
	csp = resp.Header.Get("Content-Security-Policy")
	if resp.StatusCode != http.StatusOK || !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "frame-ancestors 'none'") ||
		strings.Contains(csp, "script-src") || cspSandbox(csp) != "allow-popups allow-popups-to-escape-sandbox" {
		t.Errorf("print view (never framed, so an opaque origin): %d CSP %q", resp.StatusCode, csp)
	}
	if printed.Find("script").Length() != 0 || !strings.Contains(printed.Find(`[data-testid="print-html"]`).Text(), "spécial offer") {
		t.Errorf("print view body: %q", printed.Find("body").Text())
	}
	if printed.Find(`link[rel="stylesheet"]`).Length() != 0 {
		t.Error("the print view loads the app's stylesheets")
	}
}

// TestTrustSender: "always show images from this sender" is stored per
// user; the next message from that sender shows images at once, and the
// choice can be undone.
func TestTrustSender(t *testing.T) {
	f := newMsgFixture(t)
	uid := f.appendMessages(t, "INBOX", loadEML(t, "rich-html.eml"))[0]
	base := fmt.Sprintf("/mail/INBOX/%d", uid)
	token := f.csrf(t)

	resp, _ := f.post(t, base+"/trust-sender", url.Values{"sender": {"news@shop.example"}, "trust": {"1"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("trust without CSRF token = %d, want 403", resp.StatusCode)
	}
	resp, _ = f.post(t, base+"/trust-sender", url.Values{"sender": {"News@Shop.example"}, "trust": {"1"}, "csrf": {token}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"?images=1&done=trusted" {
		t.Fatalf("trust: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, doc := f.page(t, base)
	if src, _ := doc.Find(`iframe[data-testid="html-body"]`).Attr("src"); src != base+"/body?images=1" {
		t.Errorf("trusted sender's body %q", src)
	}
	if doc.Find(`[data-testid="sender-trusted"]`).Length() != 1 || doc.Find(`[data-testid="remote-blocked"]`).Length() != 0 {
		t.Error("the page does not say the sender is trusted")
	}
	// The attached message is from someone else: still blocked.
	_, att := f.page(t, base+"/part/5/view")
	if att.Find(`[data-testid="remote-blocked"]`).Length() != 1 {
		t.Error("trusting one sender unblocked another")
	}

	resp, _ = f.post(t, base+"/trust-sender", url.Values{"sender": {"news@shop.example"}, "trust": {"0"}, "csrf": {token}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("untrust: %d", resp.StatusCode)
	}
	_, doc = f.page(t, base)
	if doc.Find(`[data-testid="remote-blocked"]`).Length() != 1 {
		t.Error("images still shown after untrusting")
	}
	for _, bad := range []string{"", "not an address", "a@"} {
		resp, doc := f.post(t, base+"/trust-sender", url.Values{"sender": {bad}, "trust": {"1"}, "csrf": {token}})
		if resp.StatusCode != http.StatusBadRequest || doc.Find(`[data-testid="error-message"]`).Text() == "" {
			t.Errorf("trusting %q: %d", bad, resp.StatusCode)
		}
	}
}

// TestMessageViewText: links in a text body are clickable, safely; markup
// stays text.
func TestMessageViewText(t *testing.T) {
	f := newMsgFixture(t)
	uid := f.appendMessages(t, "INBOX", loadEML(t, "text-links.eml"))[0]
	_, doc := f.page(t, fmt.Sprintf("/mail/INBOX/%d", uid))
	pre := doc.Find(`[data-testid="text-body"]`)
	links := pre.Find("a")
	if links.Length() != 1 {
		t.Fatalf("%d links in the text, want 1", links.Length())
	}
	if href, _ := links.Attr("href"); href != "https://example.org/page?a=1&b=2" {
		t.Errorf("link %q", href)
	}
	if rel, _ := links.Attr("rel"); rel != "noopener noreferrer" {
		t.Errorf("link rel %q", rel)
	}
	if pre.Find("script").Length() != 0 || !strings.Contains(pre.Text(), "<script>alert(1)</script>") {
		t.Errorf("markup in the text: %q", pre.Text())
	}
	if doc.Find(`iframe`).Length() != 0 {
		t.Error("a text message got an iframe")
	}
}

// TestMessageViewNested opens a message attached to a message attached to
// a message (the outer one base64-encoded) down to the innermost
// attachment, each level with its own page and back link.
func TestMessageViewNested(t *testing.T) {
	f := newMsgFixture(t)
	uid := f.appendMessages(t, "INBOX", loadEML(t, "nested-forward.eml"))[0]
	base := fmt.Sprintf("/mail/INBOX/%d", uid)
	steps := []struct {
		path, subject, back, next string
	}{
		{base, "Fwd: Fwd: nested", "/mail/INBOX", base + "/part/2/view"},
		{base + "/part/2/view", "Middle", base, base + "/part/2:2/view"},
		{base + "/part/2:2/view", "Deepest", base + "/part/2/view", ""},
	}
	for _, st := range steps {
		resp, doc := f.page(t, st.path)
		if resp.StatusCode != http.StatusOK || doc.Find(`[data-testid="subject"]`).Text() != st.subject {
			t.Fatalf("%s: %d %q", st.path, resp.StatusCode, doc.Find(`[data-testid="subject"]`).Text())
		}
		if href, _ := doc.Find(`[data-testid="back"]`).Attr("href"); href != st.back {
			t.Errorf("%s: back %q, want %q", st.path, href, st.back)
		}
		view, _ := doc.Find(`[data-testid="view-attached"]`).Attr("href")
		if view != st.next {
			t.Errorf("%s: view link %q, want %q", st.path, view, st.next)
		}
	}
	resp, body := f.fetch(t, base+"/part/2:2:2")
	if resp.StatusCode != http.StatusOK || string(body) != "deep content" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "deep.txt") {
		t.Errorf("innermost attachment: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Disposition"))
	}
	// The attached message downloads as the message it is.
	resp, body = f.fetch(t, base+"/part/2:2")
	if resp.Header.Get("Content-Type") != "message/rfc822" || !strings.HasPrefix(string(body), "From: Deep Sender") {
		t.Errorf("attached message download: %q %.40q", resp.Header.Get("Content-Type"), body)
	}
}

// TestMessageViewUnreferencedCID: an image with a Content-ID that the HTML
// does not show is listed with the attachments, or it would be seen
// nowhere.
func TestMessageViewUnreferencedCID(t *testing.T) {
	f := newMsgFixture(t)
	uid := f.appendMessages(t, "INBOX", loadEML(t, "unreferenced-cid.eml"))[0]
	_, doc := f.page(t, fmt.Sprintf("/mail/INBOX/%d", uid))
	att := doc.Find(`[data-testid="attachments"] li`)
	if att.Length() != 1 || !strings.Contains(att.Text(), "holiday.png") || att.Find(`img[data-testid="preview"]`).Length() != 1 {
		t.Fatalf("attachments: %q", att.Text())
	}
}

// TestMessageTooLarge: a message over the size limit is refused with a
// clear page, and its .eml download, streamed, still works.
func TestMessageTooLarge(t *testing.T) {
	f := newMsgFixture(t, func(d *testServerDeps) { d.MaxMessageBytes = 1000 })
	raw := loadEML(t, "rich-html.eml")
	uid := f.appendMessages(t, "INBOX", raw)[0]
	base := fmt.Sprintf("/mail/INBOX/%d", uid)
	resp, doc := f.page(t, base)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(doc.Find(`[data-testid="error-message"]`).Text(), "Download") {
		t.Fatalf("too large: %d %q", resp.StatusCode, doc.Find(`[data-testid="error-message"]`).Text())
	}
	resp, body := f.fetch(t, base+"/raw")
	if resp.StatusCode != http.StatusOK || string(body) != string(raw) || resp.Header.Get("Content-Length") != fmt.Sprint(len(raw)) ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d, %d bytes of %d, %v", resp.StatusCode, len(body), len(raw), resp.Header)
	}
	if resp, _ := f.fetch(t, "/mail/INBOX/999999/raw"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("download of a missing message = %d", resp.StatusCode)
	}
}

// bodySandboxTokens reports whether a message body's sandbox (the iframe's
// attribute, or the sandbox directive of the body's CSP) is exactly the
// one we allow: same-origin and popups that leave the sandbox, so links
// open normally and the page can measure the frame. Never allow-scripts
// (with allow-same-origin a script could lift the sandbox), forms,
// top navigation, modals or downloads.
func bodySandboxTokens(sandbox string) bool {
	tokens := strings.Fields(sandbox)
	slices.Sort(tokens)
	return slices.Equal(tokens, []string{"allow-popups", "allow-popups-to-escape-sandbox", "allow-same-origin"})
}

// cspSandbox is the value of a CSP's sandbox directive ("" without one).
func cspSandbox(csp string) string {
	for _, directive := range strings.Split(csp, ";") {
		if name, value, _ := strings.Cut(strings.TrimSpace(directive), " "); name == "sandbox" {
			return value
		}
	}
	return "(no sandbox directive)"
}
