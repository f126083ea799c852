package handlers_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/webmail/webmail/internal/testenv"
)

// b64 base64-encodes data in 76-character lines.
func b64(data []byte) string {
	enc := base64.StdEncoding.EncodeToString(data)
	var s strings.Builder
	for len(enc) > 76 {
		s.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	return s.String() + enc
}

var (
	streamPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0, 1, 2, 250}, 400)...)
	streamPDF = []byte("%PDF-1.4\n" + strings.Repeat("stream \x00\x01\xfe\xff endstream\n", 400))
)

// partsEML has one part of each kind a download treats differently; the
// attached message has an attachment of its own (part 6:2).
var partsEML = "From: Sender <sender@example.org>\r\nTo: reader@example.test\r\nSubject: Parts\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n" +
	"--outer\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n" +
	"--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n" +
	"--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello.</p>\r\n--alt--\r\n" +
	"--outer\r\nContent-Type: image/png; name=\"photo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(streamPNG) + "\r\n" +
	"--outer\r\nContent-Type: image/png; name=\"fake.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64([]byte("<html><script>alert(1)</script></html>")) + "\r\n" +
	"--outer\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%22Q%22.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(streamPDF) + "\r\n" +
	"--outer\r\nContent-Type: text/plain; charset=iso-8859-1; name=\"notes.txt\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9 au lait, a soft=\r\nbreak\r\n" +
	"--outer\r\nContent-Type: message/rfc822; name=\"fwd.eml\"\r\n\r\n" +
	"From: Inner <inner@example.org>\r\nSubject: Inner\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n" +
	"--inner\r\nContent-Type: text/plain\r\n\r\nInner text.\r\n" +
	"--inner\r\nContent-Type: application/octet-stream; name=\"inner.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(streamPDF[:700]) + "\r\n--inner--\r\n" +
	"--outer\r\nContent-Type: application/x-empty; name=\"empty.dat\"\r\n\r\n\r\n" +
	"--outer--\r\n"

// noBoundaryEML declares a multipart without a boundary: Dovecot and our
// parser split it differently, so its part comes from the whole message.
var noBoundaryEML = "From: Sender <sender@example.org>\r\nSubject: No boundary\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n" +
	"--guess\r\nContent-Type: text/plain\r\n\r\nBody.\r\n" +
	"--guess\r\nContent-Type: text/csv; name=\"data.csv\"\r\n\r\na,b\r\n1,2\r\n--guess--\r\n"

// TestPartDownloadHeaders downloads every kind of part, streamed or (for
// attached messages and malformed mail) cut from the whole message, and
// checks bytes and headers exactly: the headers are those the downloads
// had before they were streamed, but for the types (issue 10, finding 8):
// only inert types are served as themselves, text as UTF-8.
func TestPartDownloadHeaders(t *testing.T) {
	f := newMsgFixture(t)
	uids := f.appendMessages(t, "INBOX", []byte(partsEML), []byte(noBoundaryEML))
	base, broken := fmt.Sprintf("/mail/INBOX/%d", uids[0]), fmt.Sprintf("/mail/INBOX/%d", uids[1])
	const (
		sandbox = "default-src 'none'; sandbox"
		nosniff = "nosniff"
	)
	innerStart := strings.Index(partsEML, "From: Inner")
	innerEnd := strings.Index(partsEML, "--inner--\r\n") + len("--inner--")
	for _, tc := range []struct {
		path, contentType, disposition string
		body                           []byte
	}{
		{base + "/part/1.1", "text/plain; charset=utf-8", `attachment; filename=part-1.1`, []byte("Hello.")},
		{base + "/part/2", "image/png", `attachment; filename=photo.png`, streamPNG},
		{base + "/part/2?inline=1", "image/png", "inline", streamPNG},
		{base + "/part/3?inline=1", "image/png", `attachment; filename=fake.png`, []byte("<html><script>alert(1)</script></html>")},
		{base + "/part/4", "application/pdf", `attachment; filename*=utf-8''Gr%C3%BC%C3%9Fe%20_Q_.pdf`, streamPDF},
		{base + "/part/4?inline=1", "application/pdf", `attachment; filename*=utf-8''Gr%C3%BC%C3%9Fe%20_Q_.pdf`, streamPDF},
		{base + "/part/5", "text/plain; charset=utf-8", `attachment; filename=notes.txt`, []byte("caf\xe9 au lait, a softbreak")},
		{base + "/part/6", "message/rfc822", `attachment; filename=fwd.eml`, []byte(partsEML[innerStart:innerEnd])},
		{base + "/part/6:1", "text/plain; charset=utf-8", `attachment; filename=part-6-1`, []byte("Inner text.")},
		{base + "/part/6:2", "application/octet-stream", `attachment; filename=inner.bin`, streamPDF[:700]},
		{base + "/part/7", "application/octet-stream", `attachment; filename=empty.dat`, []byte{}},
		{broken + "/part/2", "application/octet-stream", `attachment; filename=data.csv`, []byte("a,b\r\n1,2")},
	} {
		resp, body := f.fetch(t, tc.path)
		h := resp.Header
		if resp.StatusCode != http.StatusOK || h.Get("Content-Type") != tc.contentType || h.Get("Content-Disposition") != tc.disposition ||
			h.Get("X-Content-Type-Options") != nosniff || h.Get("Content-Security-Policy") != sandbox {
			t.Errorf("%s: %d, Content-Type %q, Content-Disposition %q, nosniff %q, CSP %q", tc.path, resp.StatusCode,
				h.Get("Content-Type"), h.Get("Content-Disposition"), h.Get("X-Content-Type-Options"), h.Get("Content-Security-Policy"))
		}
		if !bytes.Equal(body, tc.body) {
			t.Errorf("%s: %d bytes %.60q, want %d bytes %.60q", tc.path, len(body), body, len(tc.body), tc.body)
		}
	}
	for _, p := range []string{base + "/part/9", base + "/part/2:1", base + "/part/1", base + "/part/6:3", "/mail/INBOX/999999/part/2"} {
		if resp, _ := f.fetch(t, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", p, resp.StatusCode)
		}
	}
}

// TestPartDownloadLarge downloads a 60 MB base64 attachment (an 82 MB
// message, over the 50 MB limit on whole messages that made this download
// fail before it was streamed) through HTTP, hashing the body as it
// arrives, while sampling the heap of the process, which is the server's
// too: it must grow by a fraction of the attachment.
func TestPartDownloadLarge(t *testing.T) {
	f := newMsgFixture(t, func(d *testServerDeps) { d.MaxMessageBytes = 50 << 20 })
	const size = 60 << 20
	raw, want := testenv.LargeAttachmentMessage(size, 2)
	messageSize := len(raw)
	uid := f.appendMessages(t, "INBOX", raw)[0]
	raw = nil

	heap := testenv.WatchHeap(t)
	resp, err := f.browser.Get(f.http.URL + fmt.Sprintf("/mail/INBOX/%d/part/2", uid))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	hash := sha256.New()
	n, err := io.Copy(hash, resp.Body)
	growth := heap.Stop()
	if err != nil {
		t.Fatalf("after %d bytes: %v", n, err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Disposition") != "attachment; filename=large.bin" ||
		resp.Header.Get("Content-Type") != "application/octet-stream" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	if n != size || !bytes.Equal(hash.Sum(nil), want[:]) {
		t.Fatalf("downloaded %d bytes with SHA-256 %x, want %d bytes, %x", n, hash.Sum(nil), size, want)
	}
	t.Logf("downloaded a %.0f MB attachment of a %.1f MB message over HTTP: peak heap growth %.2f MB", float64(size)/(1<<20), float64(messageSize)/(1<<20), float64(growth)/(1<<20))
	if growth > size/8 {
		t.Errorf("heap grew by %.1f MB while downloading a %d MB attachment", float64(growth)/(1<<20), size>>20)
	}
}
