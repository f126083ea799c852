package handlers_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// browserLanguage makes the browser ask for pages in accept, as one set
// to that language does (Accept-Language on every request).
func browserLanguage(accept string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		if _, err := cdp.Call(ctx, target, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, target, network.SetExtraHTTPHeaders,
			network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": accept}})
		return err
	})
}

// TestRightToLeftLayoutInBrowser opens every page in Arabic, a language
// written right to left, at a desktop and a phone width: the document says
// dir="rtl", the text starts on the right (the first heading of the page's
// own — not a subject, which keeps its own direction with dir="auto" — ends
// nearer the window's right edge than it starts from the left edge),
// and nothing scrolls sideways. WEBMAIL_SCREENSHOTS=dir keeps a PNG of
// each.
func TestRightToLeftLayoutInBrowser(t *testing.T) {
	f := newListFixture(t)
	pages := a11yPages(t, f)
	b := newListBrowser(t)
	b.do(browserLanguage("ar"))
	b.do(chromedp.Navigate(f.http.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)))
	b.checkRightToLeft(t, "login", "h1")
	b.signIn(f.http.URL)
	for _, p := range pages {
		b.do(chromedp.EmulateViewport(1440, 900), chromedp.Navigate(f.http.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready)))
		b.checkRightToLeft(t, p.name, "main h1:not([dir]), main h2:not([dir])")
	}
}

// checkRightToLeft checks the page in the browser at 1440 and 390 px.
func (b *listBrowser) checkRightToLeft(t *testing.T, name, heading string) {
	t.Helper()
	if lang, dir := evalIn[string](b, `document.documentElement.lang`), evalIn[string](b, `document.documentElement.dir`); lang != "ar" || dir != "rtl" {
		t.Errorf("%s: <html lang=%q dir=%q>, want ar, rtl", name, lang, dir)
	}
	for _, width := range []int64{1440, 390} {
		b.do(chromedp.EmulateViewport(width, 900))
		b.laidOut()
		where := fmt.Sprintf("%s at %d px", name, width)
		if overflow := evalIn[string](b, a11yOverflow); overflow != "" {
			t.Errorf("%s in Arabic: the page scrolls sideways: %s", where, overflow)
		}
		side := evalIn[string](b, `(() => {
			const h = [...document.querySelectorAll(`+fmt.Sprintf("%q", heading)+`)].find((e) => e.checkVisibility());
			if (!h) return "no heading";
			const r = h.getBoundingClientRect(), range = document.createRange();
			range.selectNodeContents(h);
			const text = range.getBoundingClientRect();
			return getComputedStyle(h).direction + " " + (window.innerWidth - text.right < text.left ? "right" : "left");
		})()`)
		if side != "rtl right" && side != "no heading" {
			t.Errorf("%s in Arabic: the heading is %q, want rtl and on the right", where, side)
		}
		b.viewportScreenshot(fmt.Sprintf("rtl-%s-%d", name, width))
	}
	b.do(chromedp.ResetViewport())
}

// TestLanguageSwitchInBrowser: choosing Deutsch in the settings turns the
// pages German at once (the settings page itself after saving, then the
// list), Arabic turns them right to left, and the browser's language
// comes back with "auto".
func TestLanguageSwitchInBrowser(t *testing.T) {
	f := newListFixture(t)
	b := newListBrowser(t)
	b.do(browserLanguage("en-US,en;q=0.9"))
	b.signIn(f.http.URL)
	page := func() string {
		return evalIn[string](b, `document.documentElement.lang + " " + document.documentElement.dir + " | " +
			document.querySelector('[data-testid="settings-link"]').textContent.trim() + " | " + document.title`)
	}
	if got := page(); !strings.HasPrefix(got, "en ltr | Settings") {
		t.Fatalf("before switching: %q", got)
	}
	choose := func(language string) {
		b.do(chromedp.Navigate(f.http.URL+"/settings"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="language"]`)))
		b.do(chromedp.SetValue(chromedp.CSS(`[data-testid="language"]`), language))
		b.do(chromedp.Click(chromedp.CSS(`[data-testid="settings-save"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="status"]`)))
	}
	for _, step := range []struct{ language, want, list string }{
		{"de", "de ltr | Einstellungen", "Posteingang"},
		{"ar", "ar rtl | الإعدادات", "البريد الوارد"},
		{"auto", "en ltr | Settings", "Inbox"},
	} {
		choose(step.language)
		if got := page(); !strings.HasPrefix(got, step.want) {
			t.Errorf("settings page after choosing %s: %q, want %q…", step.language, got, step.want)
		}
		b.do(chromedp.Navigate(f.http.URL+"/mail/INBOX"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="message-list"]`)))
		if got := page(); !strings.HasPrefix(got, step.want) || !strings.Contains(got, step.list) {
			t.Errorf("inbox after choosing %s: %q, want %q… and the title %q", step.language, got, step.want, step.list)
		}
		if step.language == "de" {
			// The scripts' strings too: the editor's toolbar, made by
			// compose.js.
			b.do(chromedp.Navigate(f.http.URL+"/compose"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="format-toggle"]`)))
			if got := evalIn[string](b, `document.querySelector('[data-testid="format-toggle"]').textContent + " | " + document.querySelector('.editor-toolbar').getAttribute("aria-label")`); got != "Zu reinem Text wechseln | Formatierung" {
				t.Errorf("compose.js in German: %q", got)
			}
		}
	}
}

// viewportScreenshot keeps what the window shows in WEBMAIL_SCREENSHOTS,
// when set. Not a full-page capture: Chromium lays a right-to-left page
// out wider for one and captures its empty left side.
func (b *listBrowser) viewportScreenshot(name string) {
	b.t.Helper()
	dir := os.Getenv("WEBMAIL_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
