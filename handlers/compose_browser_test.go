package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// composeLayoutDir, when set (WEBMAIL_SCREENSHOTS=dir), is where
// TestComposeLayout leaves its screenshots for a person to look at.
func composeLayoutDir() string { return os.Getenv("WEBMAIL_SCREENSHOTS") }

// TestComposeLayout opens a new message, a reply and the identities page
// at a desktop and a phone width: no page may scroll sideways, and on
// the compose pages Send must be on screen without scrolling and the
// rich-text editor must have replaced the textarea.
func TestComposeLayout(t *testing.T) {
	f := newFixture(t)
	b := newListBrowser(t)
	b.signIn(f.http.URL)
	firstMessage := evalIn[string](b, `document.querySelector('[data-testid="message-row"] a[data-testid="message-link"]').getAttribute("href")`)
	pages := []struct{ name, url, ready string }{
		{"compose", "/compose?to=someone%40example.org&subject=Layout&body=Dear%20someone%2C", `[data-testid="editor"]`},
		{"reply", firstMessage + "/reply-all", `[data-testid="send"]`},
		{"identities", "/settings/identities", `[data-testid="identity-form"]`},
	}
	for _, page := range pages {
		b.do(chromedp.EmulateViewport(1440, 900), chromedp.Navigate(f.http.URL+page.url), chromedp.WaitVisible(chromedp.CSS(page.ready)))
		for _, size := range []struct {
			name          string
			width, height int64
		}{{"desktop", 1440, 900}, {"phone", 390, 844}} {
			b.do(chromedp.EmulateViewport(size.width, size.height), chromedp.Sleep(200*time.Millisecond))
			if overflow := b.eval(`document.documentElement.scrollWidth - window.innerWidth`); overflow > 0 {
				t.Errorf("%s, %s: the page scrolls sideways by %v px", page.name, size.name, overflow)
			}
			if page.name != "identities" {
				sendBottom := b.eval(`document.querySelector('[data-testid="send"]').getBoundingClientRect().bottom`)
				sendRight := b.eval(`document.querySelector('[data-testid="send"]').getBoundingClientRect().right`)
				if sendBottom > float64(size.height) || sendRight > float64(size.width) {
					t.Errorf("%s, %s: Send is off screen (right %v, bottom %v)", page.name, size.name, sendRight, sendBottom)
				}
			}
			b.screenshot(page.name + "-" + size.name)
		}
	}
}

// screenshot saves the page as WEBMAIL_SCREENSHOTS/name.png, when set.
func (b *listBrowser) screenshot(name string) {
	b.t.Helper()
	dir := composeLayoutDir()
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// eval evaluates a JavaScript number.
func (b *listBrowser) eval(expr string) float64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}
