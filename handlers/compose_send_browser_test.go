package handlers_test

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-imap/v2"

	"github.com/webmail/webmail/mail/mime"
)

// TestComposeAndSendInBrowser is the whole of writing mail in Chromium,
// against Dovecot and Postfix: compose with an attachment, autosave,
// reload, continue from Drafts, send, and find the message in Sent and
// in the recipient's INBOX with the attachment's bytes intact.
func TestComposeAndSendInBrowser(t *testing.T) {
	f := newSendFixture(t, 0)
	rcpt, rcptPassword := f.env.AddUser(t)
	b := newListBrowser(t)
	b.do(
		chromedp.Navigate(f.http.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SetValue(chromedp.CSS(`input[name="username"]`), f.email),
		chromedp.SetValue(chromedp.CSS(`input[name="password"]`), f.password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="compose-new"]`)),
	)
	b.click(`[data-testid="compose-new"]`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="editor"]`)))
	composeURL := evalIn[string](b, `location.href`)
	b.do(
		chromedp.SendKeys(chromedp.CSS(`#compose-to`), rcpt),
		chromedp.SendKeys(chromedp.CSS(`#compose-subject`), "Grüße aus dem Browser"),
		chromedp.Click(chromedp.CSS(`[data-testid="editor"]`)),
		chromedp.KeyEvent("The report is attached."),
	)
	payload := bytes.Repeat([]byte("report line with ümlauts\n"), 40000) // about 1 MB
	file := filepath.Join(t.TempDir(), "Bericht ü.txt")
	if err := os.WriteFile(file, payload, 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`#compose-attachment`), []string{file}))
	b.until("the upload", `[...document.querySelectorAll('[data-testid="upload"] a.upload-name')].some(a => a.textContent === "Bericht ü.txt")`)
	b.until("the autosave", `document.querySelector('[data-testid="save-state"]').textContent.startsWith("Saved")`)

	// Reload: all of it comes back.
	b.do(chromedp.Navigate(composeURL), chromedp.WaitVisible(chromedp.CSS(`[data-testid="editor"]`)))
	if got := evalIn[string](b, `document.getElementById("compose-subject").value + "|" + document.querySelector('[data-testid="editor"]').textContent`); got != "Grüße aus dem Browser|The report is attached." {
		t.Errorf("after reload: %q", got)
	}

	// Save draft (the form's own button) replaces the Drafts copy before
	// the page comes back; the Drafts folder then has it, and Continue
	// comes back to this very compose.
	b.click(`[data-testid="save-draft"]`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`#compose-form[data-saved] [data-testid="editor"]`)))
	b.do(chromedp.Navigate(f.http.URL+"/mail/Drafts"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="message-list"]`)))
	b.click(`[data-testid="message-row"] a[data-testid="message-link"]`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="continue-draft"]`)))
	b.click(`[data-testid="continue-draft"]`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="editor"]`)))
	if got := evalIn[string](b, `location.href`); got != composeURL {
		t.Fatalf("Continue opened %s, want %s", got, composeURL)
	}

	b.click(`[data-testid="send"]`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="send-result"]`)))
	b.until("the send result", `["sent", "queued"].includes(document.querySelector('[data-testid="send-result"]').dataset.state)`)
	if state := evalIn[string](b, `document.querySelector('[data-testid="send-result"]').dataset.state`); state != "sent" {
		t.Fatalf("send ended %q", state)
	}

	f.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	for _, box := range []struct{ email, password, mailbox string }{{rcpt, rcptPassword, "INBOX"}, {f.email, f.password, "Sent"}} {
		raw := fetchOnly(t, f, box.email, box.password, box.mailbox)
		msg, err := mime.ParseMessage(raw)
		if err != nil {
			t.Fatal(err)
		}
		if msg.Subject != "Grüße aus dem Browser" || !strings.Contains(msg.Text, "The report is attached.") || msg.HTML == "" {
			t.Errorf("%s/%s: subject %q, text %q, html %d bytes", box.email, box.mailbox, msg.Subject, msg.Text, len(msg.HTML))
		}
		if len(msg.Parts) != 1 || msg.Parts[0].Filename != "Bericht ü.txt" {
			t.Fatalf("%s/%s: parts %+v", box.email, box.mailbox, msg.Parts)
		}
		_, content, err := mime.PartContent(raw, msg.Parts[0].ID)
		if err != nil || sha256.Sum256(content) != sha256.Sum256(payload) {
			t.Errorf("%s/%s: attachment differs (%d bytes, want %d): %v", box.email, box.mailbox, len(content), len(payload), err)
		}
	}
	if n := f.count(t, f.email, f.password, "Drafts"); n != 0 {
		t.Errorf("Drafts still holds %d messages after sending", n)
	}
}

// fetchOnly reads the one message of a mailbox.
func fetchOnly(t *testing.T, f *sendFixture, email, password, mailbox string) []byte {
	t.Helper()
	c := f.env.IMAPClient(t, email, password)
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil || len(msgs) != 1 || len(msgs[0].BodySection) != 1 {
		t.Fatalf("fetch %s of %s: %v", mailbox, email, err)
	}
	return msgs[0].BodySection[0].Bytes
}
