package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestPrintViewIgnoresMessageStyles: the print view shows the body inside
// our own document, so the message's CSS must not be able to hide or forge
// the header lines a printout shows.
func TestPrintViewIgnoresMessageStyles(t *testing.T) {
	f := newMsgFixture(t)
	raw := "From: Real Sender <real@example.test>\r\nTo: " + f.email + "\r\nSubject: Invoice\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n\r\n" +
		`<style>table, dl, header, .headers { display: none !important }</style><p>From: ceo@bank.example</p>`
	uid := f.appendMessages(t, "INBOX", []byte(raw))[0]
	resp, err := f.browser.Get(fmt.Sprintf("%s/mail/INBOX/%d/print", f.http.URL, uid))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("print view: %d", resp.StatusCode)
	}
	if strings.Contains(page, "display: none !important") || strings.Contains(page, "display:none !important") {
		t.Fatal("the message's style block reached the print document")
	}
	if !strings.Contains(page, "real@example.test") || !strings.Contains(page, "From: ceo@bank.example") {
		t.Fatal("the print view lost the real sender or the body")
	}
}
