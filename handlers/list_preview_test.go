package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/mail"
)

// previewFetch matches a command fetching the start of a part, as the
// list's previews do: BODY.PEEK[1.2]<0.512>.
var previewFetch = regexp.MustCompile(`(?i)^\S+ (UID )?FETCH .*BODY\.PEEK\[[0-9.]+\]<0\.\d+>`)

func countPreviewFetches(lines []string) int {
	n := 0
	for _, l := range lines {
		if previewFetch.MatchString(l) {
			n++
		}
	}
	return n
}

const alternativePreviewEML = "From: Ann <ann@example.com>\r\n" +
	"To: you@example.com\r\n" +
	"Subject: Alternative\r\n" +
	"Date: Mon, 7 Dec 2026 10:00:00 +0000\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/alternative; boundary=\"b1\"\r\n" +
	"\r\n" +
	"--b1\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"The caf=C3=A9 opens at nine.\r\n" +
	"\r\n" +
	"> quoted earlier words\r\n" +
	"--b1\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n" +
	"\r\n" +
	"<p>The HTML version</p>\r\n" +
	"--b1--\r\n"

// base64PreviewEML is a single text/plain part in base64, longer than the
// 512 bytes fetched, so the fetch cuts it.
var base64PreviewEML = "From: Bob <bob@example.com>\r\n" +
	"To: you@example.com\r\n" +
	"Subject: Base64\r\n" +
	"Date: Mon, 7 Dec 2026 11:00:00 +0000\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	// "Grüße from the base64 part. " and a long tail.
	b64([]byte("Grüße from the base64 part. "+strings.Repeat("More words follow here. ", 40))) + "\r\n"

// htmlPreviewEML is HTML alone, with over a kilobyte of <style> before
// its first words, as newsletters have.
var htmlPreviewEML = "From: News <news@example.com>\r\n" +
	"To: you@example.com\r\n" +
	"Subject: Newsletter\r\n" +
	"Date: Mon, 7 Dec 2026 12:00:00 +0000\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n" +
	"\r\n" +
	"<html><head><style>" + strings.Repeat(".c { color: #333; margin: 0 auto; }\r\n", 40) + "</style></head>\r\n" +
	"<body><table><tr><td><h1>This week &amp; next</h1><p>Five new trails.</p></td></tr></table></body></html>\r\n"

// TestListPreviewLine: the list shows the start of each message's text
// (the text/plain of a multipart/alternative, quotes dropped; a base64
// part cut by the partial fetch; HTML after a long style sheet), a second load of the page fetches no
// preview again, and with the list_preview setting off there is neither
// a preview nor a fetch for it.
func TestListPreviewLine(t *testing.T) {
	var recorder *imapRecorder
	f := newMsgFixture(t, func(d *testServerDeps) {
		recorder = newIMAPRecorder(t, d.IMAP.Host)
		d.IMAP = mail.Endpoint{Scheme: d.IMAP.Scheme, Host: recorder.listener.Addr().String()}
	})
	uids := f.appendMessages(t, "INBOX", []byte(alternativePreviewEML), []byte(base64PreviewEML), []byte(htmlPreviewEML))
	recorder.take()

	previews := func(doc *goquery.Document) map[string]string {
		out := map[string]string{}
		doc.Find(`[data-testid="message-row"]`).Each(func(_ int, row *goquery.Selection) {
			out[row.AttrOr("data-uid", "")] = row.Find(`[data-testid="row-preview"]`).Text()
		})
		return out
	}
	uidKey := func(uid uint32) string { return strconv.FormatUint(uint64(uid), 10) }

	resp, doc := f.page(t, "/mail/INBOX")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /mail/INBOX = %d", resp.StatusCode)
	}
	first := recorder.take()
	t.Logf("IMAP commands of the first list load:\n%s", strings.Join(first, "\n"))
	got := previews(doc)
	if want := "The café opens at nine."; got[uidKey(uids[0])] != want {
		t.Errorf("multipart/alternative preview %q, want %q", got[uidKey(uids[0])], want)
	}
	if p := got[uidKey(uids[1])]; !strings.HasPrefix(p, "Grüße from the base64 part. More words follow here.") || !strings.HasSuffix(p, "…") {
		t.Errorf("base64 preview %q, want the part's start, cut", p)
	}
	if want := "This week & next Five new trails."; got[uidKey(uids[2])] != want {
		t.Errorf("HTML preview %q, want %q", got[uidKey(uids[2])], want)
	}
	if n := countPreviewFetches(first); n == 0 {
		t.Errorf("no preview fetch on the first load:\n%s", strings.Join(first, "\n"))
	}

	_, doc = f.page(t, "/mail/INBOX")
	second := recorder.take()
	if n := countPreviewFetches(second); n != 0 {
		t.Errorf("the second load fetched previews %d times, want none:\n%s", n, strings.Join(second, "\n"))
	}
	if again := previews(doc); again[uidKey(uids[0])] != got[uidKey(uids[0])] || again[uidKey(uids[2])] != got[uidKey(uids[2])] {
		t.Errorf("the second load shows %q, the first %q", again, got)
	}

	// A search of every folder shows the preview under its results too,
	// from the cache: the list above fetched it.
	recorder.take()
	_, doc = f.page(t, "/search?run=1&q=trails")
	if hit := previews(doc); hit[uidKey(uids[2])] != "This week & next Five new trails." {
		t.Errorf("the search of every folder shows previews %q, want the HTML message's", hit)
	}
	if n := countPreviewFetches(recorder.take()); n != 0 {
		t.Errorf("the search fetched previews %d times, want none (cached by the list)", n)
	}

	form := url.Values{"csrf": {f.csrf(t)}}
	for k, v := range settingsForm("theme", "auto", "density", "comfortable", "reading_pane", "right",
		"list_preview", "off", "plain_font", "proportional") {
		form[k] = v
	}
	if resp, _ := f.post(t, "/settings", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save list_preview off: %d", resp.StatusCode)
	}
	// A new message, never previewed: with the setting off it is not fetched either.
	f.appendMessages(t, "INBOX", []byte(strings.Replace(alternativePreviewEML, "Subject: Alternative", "Subject: Third", 1)))
	recorder.take()
	_, doc = f.page(t, "/mail/INBOX")
	off := recorder.take()
	if n := doc.Find(`[data-testid="row-preview"]`).Length(); n != 0 {
		t.Errorf("list_preview off: %d preview lines, want none", n)
	}
	if n := doc.Find(`[data-testid="message-row"]`).Length(); n != 4 {
		t.Errorf("list_preview off: %d rows, want 4", n)
	}
	if n := countPreviewFetches(off); n != 0 {
		t.Errorf("list_preview off fetched previews %d times:\n%s", n, strings.Join(off, "\n"))
	}
}
