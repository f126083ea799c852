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

// TestComposeLayout opens a reply with the editor at a desktop and a
// phone width: the page must not scroll sideways, Send must be on screen
// without scrolling, and the rich-text editor must have replaced the
// textarea.
func TestComposeLayout(t *testing.T) {
	f := newFixture(t)
	b := newListBrowser(t)
	b.signIn(f.http.URL)
	b.do(chromedp.Navigate(f.http.URL + "/compose?to=someone%40example.org&subject=Layout"))
	b.until("the editor", `!!document.querySelector('[data-testid="editor"]')`)
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1440, 900}, {"phone", 390, 844}} {
		b.do(chromedp.EmulateViewport(size.width, size.height), chromedp.Sleep(200*time.Millisecond))
		overflow := b.eval(`document.documentElement.scrollWidth - window.innerWidth`)
		if overflow > 0 {
			t.Errorf("%s: the page scrolls sideways by %v px", size.name, overflow)
		}
		sendBottom := b.eval(`document.querySelector('[data-testid="send"]').getBoundingClientRect().bottom`)
		sendRight := b.eval(`document.querySelector('[data-testid="send"]').getBoundingClientRect().right`)
		if sendBottom > float64(size.height) || sendRight > float64(size.width) {
			t.Errorf("%s: Send is off screen (right %v, bottom %v)", size.name, sendRight, sendBottom)
		}
		if dir := composeLayoutDir(); dir != "" {
			ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "compose-"+size.name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
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
