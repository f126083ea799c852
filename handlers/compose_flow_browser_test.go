package handlers_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestComposeInBrowser writes a message in Chromium as a person would:
// c opens compose, the rich-text editor takes the text, a file goes up
// through the file input with its progress, autosave saves, a reload
// brings everything back, the Drafts folder has the copy, and its
// "Continue writing" returns to the same compose.
func TestComposeInBrowser(t *testing.T) {
	f := newFixture(t)
	b := newListBrowser(t)
	b.signIn(f.http.URL)

	b.do(chromedp.KeyEvent("c"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="editor"]`)))
	composeURL := evalIn[string](b, `location.href`)
	b.do(
		chromedp.SendKeys(chromedp.CSS(`#compose-to`), "friend@example.org"),
		chromedp.SendKeys(chromedp.CSS(`#compose-subject`), "Browser draft ü"),
		chromedp.Click(chromedp.CSS(`[data-testid="editor"]`)),
		chromedp.KeyEvent("Hello from the editor."),
	)
	b.click(`.editor-toolbar button[data-action="bold"]`)
	b.do(chromedp.KeyEvent(" Bold words."))

	file := filepath.Join(t.TempDir(), "notes ü.txt")
	if err := os.WriteFile(file, []byte(strings.Repeat("attachment line\n", 2000)), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`#compose-attachment`), []string{file}))
	b.until("the upload to finish", `!!document.querySelector('[data-testid="upload"] a.upload-name') && document.querySelector('[data-testid="upload"] a.upload-name').textContent === "notes ü.txt"`)
	b.until("the autosave", `document.querySelector('[data-testid="save-state"]').textContent.startsWith("Saved")`)

	// A reload shows what was saved, from SQL.
	b.do(chromedp.Navigate(composeURL), chromedp.WaitVisible(chromedp.CSS(`[data-testid="editor"]`)))
	if got := evalIn[string](b, `document.querySelector('[data-testid="editor"]').innerHTML`); !strings.Contains(got, "Hello from the editor.") || !strings.Contains(got, "<b>") {
		t.Errorf("editor after reload: %s", got)
	}
	if got := evalIn[string](b, `document.getElementById("compose-subject").value + "|" + document.getElementById("compose-to").value`); got != "Browser draft ü|friend@example.org" {
		t.Errorf("fields after reload: %q", got)
	}
	if n := evalIn[float64](b, `document.querySelectorAll('[data-testid="upload"]').length`); n != 1 {
		t.Errorf("%v uploads after reload", n)
	}

	// Save draft (the form's own button) replaces the Drafts copy before
	// the page comes back; the Drafts folder then has it, and Continue
	// comes back to this very compose.
	b.click(`[data-testid="save-draft"]`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`#compose-form[data-saved] [data-testid="editor"]`)))
	b.do(chromedp.Navigate(f.http.URL+"/mail/Drafts"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="message-list"]`)))
	b.until("the draft in Drafts", `[...document.querySelectorAll('[data-testid="message-row"]')].some(r => r.textContent.includes("Browser draft ü"))`)
	b.click(`[data-testid="message-row"] a[data-testid="message-link"]`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="continue-draft"]`)))
	if subject := evalIn[string](b, `document.querySelector('[data-testid="subject"]').textContent`); subject != "Browser draft ü" {
		t.Fatalf("opened %q, want the new draft (newest first)", subject)
	}
	b.click(`[data-testid="continue-draft"]`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="editor"]`)))
	if got := evalIn[string](b, `location.href`); got != composeURL {
		t.Errorf("Continue opened %s, want the open compose %s", got, composeURL)
	}

	// r on a message answers it; its recipients and subject are filled in.
	b.do(chromedp.Navigate(f.http.URL+"/mail/INBOX"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="message-list"]`)))
	b.click(`[data-testid="message-row"] a[data-testid="message-link"]`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="reply"]`)))
	subject := evalIn[string](b, `document.querySelector('[data-testid="subject"]').textContent`)
	b.do(chromedp.KeyEvent("r"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="editor"]`)))
	if got := evalIn[string](b, `document.querySelector(".compose-bar h1").textContent + "|" + document.getElementById("compose-subject").value`); got != "Reply|Re: "+strings.TrimPrefix(subject, "Re: ") {
		t.Errorf("r opened %q, want a reply to %q", got, subject)
	}
	if to := evalIn[string](b, `document.getElementById("compose-to").value`); to == "" {
		t.Error("the reply has no recipient")
	}
}
