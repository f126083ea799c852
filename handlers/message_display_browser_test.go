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
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// htmlEML is an HTML message with body as its HTML.
func htmlEML(subject, body string) []byte {
	return []byte("From: News <news@example.org>\r\nTo: reader@example.test\r\nSubject: " + subject +
		"\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\nMessage-ID: <" + strings.ReplaceAll(strings.ToLower(subject), " ", "-") +
		"@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body + "\r\n")
}

// shortHTML is a two-line HTML mail with a picture (a data: PNG).
const shortHTML = `<p style="color:#222">Hello reader,</p><p>the meeting moved to <b>Thursday</b>.</p>` +
	`<img alt="dot" width="20" height="20" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==">`

// wideHTML is a fixed-width newsletter: a 700 px table.
const wideHTML = `<table width="700" style="width:700px;background:#f4f4f4"><tr><td style="width:700px">` +
	`<h1>Monthly news</h1><p>` + "A long line of newsletter text that goes on and on. " + `</p></td></tr></table>`

// msgBrowserAt sets the browser's width and colour scheme.
func msgBrowserAt(t *testing.T, ctx context.Context, width, height int64, dark bool) {
	t.Helper()
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	run(t, ctx, "viewport", chromedp.EmulateViewport(width, height))
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	}))
	if err != nil {
		t.Fatalf("colour scheme %s: %v", scheme, err)
	}
}

// evalMsg evaluates JavaScript in the page.
func evalMsg[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFitted opens path and waits until message.js has sized the body
// frame to its document.
func waitFitted(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	run(t, ctx, "open "+url, chromedp.Navigate(url), chromedp.WaitVisible(`[data-testid="subject"]`),
		chromedp.Poll[chromedp.Void](`(() => { const f = document.querySelector('iframe[data-testid="html-body"]'); return f && f.classList.contains("fitted") && f.contentDocument.readyState === "complete"; })()`,
			chromedp.WithPollingTimeout(15*time.Second)))
}

// msgScreenshot saves the page as WEBMAIL_SCREENSHOTS/name.png, when set.
func msgScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("WEBMAIL_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// frameFit reports the body frame's height against its document's, and
// whether the document scrolls vertically inside the frame.
const frameFit = `(() => {
  const f = document.querySelector('iframe[data-testid="html-body"]');
  const html = f.contentDocument.documentElement;
  return {frame: f.getBoundingClientRect().height, inner: html.scrollHeight, client: html.clientHeight,
    zoom: parseFloat(html.style.zoom || "1"), pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth};
})()`

type fit struct {
	Frame, Inner, Client, Zoom float64
	PageWidth, Viewport        float64
}

// TestMessageBodyFitsItsContent: in Chromium the HTML body's frame is as
// tall as its document (a short mail leaves no blank box, and nothing
// scrolls inside the frame), and a fixed-width newsletter never makes the
// page wider than a phone's screen: it is scaled down to the width.
func TestMessageBodyFitsItsContent(t *testing.T) {
	f := newMsgFixture(t)
	uids := f.appendMessages(t, "INBOX", htmlEML("Short note", shortHTML), htmlEML("Wide newsletter", wideHTML),
		htmlEML("Very wide table", strings.ReplaceAll(wideHTML, "700", "1400")))
	ctx := f.chromium(t)

	msgBrowserAt(t, ctx, 1440, 900, false)
	waitFitted(t, ctx, fmt.Sprintf("%s/mail/INBOX/%d", f.http.URL, uids[0]))
	got := evalMsg[fit](t, ctx, frameFit)
	if got.Frame > 250 || got.Frame < 60 {
		t.Errorf("short mail: frame %v px high, want its content's height", got.Frame)
	}
	if got.Inner > got.Client+1 {
		t.Errorf("short mail: the frame scrolls inside (%v of %v px shown)", got.Client, got.Inner)
	}
	msgScreenshot(t, ctx, "message-short-1440-light")

	for _, width := range []int64{390, 320} {
		msgBrowserAt(t, ctx, width, 844, false)
		waitFitted(t, ctx, fmt.Sprintf("%s/mail/INBOX/%d", f.http.URL, uids[1]))
		got = evalMsg[fit](t, ctx, frameFit)
		if got.PageWidth > got.Viewport {
			t.Errorf("%d px: the newsletter makes the page %v px wide", width, got.PageWidth)
		}
		if got.Zoom >= 1 {
			t.Errorf("%d px: the 700 px newsletter is not scaled down (zoom %v)", width, got.Zoom)
		}
		if got.Inner > got.Client+1 {
			t.Errorf("%d px: the frame scrolls inside (%v of %v px shown)", width, got.Client, got.Inner)
		}
		msgScreenshot(t, ctx, fmt.Sprintf("message-wide-%d-light", width))
	}

	// Twice too wide even at the smallest scale: it scrolls sideways
	// inside its frame, the page stays the screen's width, and the frame
	// is still as tall as its content and scrollbar.
	msgBrowserAt(t, ctx, 320, 844, false)
	waitFitted(t, ctx, fmt.Sprintf("%s/mail/INBOX/%d", f.http.URL, uids[2]))
	got = evalMsg[fit](t, ctx, frameFit)
	if got.PageWidth > got.Viewport {
		t.Errorf("1400 px table: the page is %v px wide", got.PageWidth)
	}
	if got.Inner > got.Client+1 {
		t.Errorf("1400 px table: the frame scrolls up and down inside (%v of %v px shown)", got.Client, got.Inner)
	}
	if scrolls := evalMsg[bool](t, ctx, `(() => { const h = document.querySelector('iframe[data-testid="html-body"]').contentDocument.documentElement; return h.scrollWidth > h.clientWidth; })()`); !scrolls {
		t.Error("1400 px table: expected it to scroll sideways inside its frame")
	}
}

// TestMessageBodyRunsNoScript: the body frame is same-origin now (so the
// page can measure it), but its sandbox and CSP still forbid every script:
// even a script element or an event handler put into its document (as if
// one got past the sanitizer) never runs.
func TestMessageBodyRunsNoScript(t *testing.T) {
	f := newMsgFixture(t)
	uid := f.appendMessages(t, "INBOX", htmlEML("Short note", shortHTML))[0]
	ctx := f.chromium(t)
	waitFitted(t, ctx, fmt.Sprintf("%s/mail/INBOX/%d", f.http.URL, uid))
	evalMsg[bool](t, ctx, `(() => {
  const doc = document.querySelector('iframe[data-testid="html-body"]').contentDocument;
  const s = doc.createElement("script");
  s.textContent = "window.parent.__ranInBody = 'script';";
  doc.body.appendChild(s);
  const img = doc.createElement("img");
  img.setAttribute("onerror", "window.parent.__ranInBody = 'handler';");
  img.src = "data:image/png;base64,AAAA";
  doc.body.appendChild(img);
  const a = doc.createElement("a");
  a.href = "javascript:window.parent.__ranInBody='link'";
  doc.body.appendChild(a);
  a.click();
  return true;
})()`)
	time.Sleep(500 * time.Millisecond) // let an error event or a navigation happen, if any could
	if ran := evalMsg[string](t, ctx, `String(window.__ranInBody || "")`); ran != "" {
		t.Fatalf("a %s ran inside the message body", ran)
	}
}

// TestMessageDarkMode: in dark mode the HTML body's colours are inverted
// (its pictures turned back), and "Original colours" switches that off
// for this message, in place with JavaScript and by reloading without.
func TestMessageDarkMode(t *testing.T) {
	f := newMsgFixture(t)
	uid := f.appendMessages(t, "INBOX", htmlEML("Short note", shortHTML))[0]
	page := fmt.Sprintf("%s/mail/INBOX/%d", f.http.URL, uid)
	ctx := f.chromium(t)
	const state = `(() => {
  const f = document.querySelector('iframe[data-testid="html-body"]');
  const img = f.contentDocument.querySelector("img");
  return getComputedStyle(f).filter + " | " + f.contentWindow.getComputedStyle(img).filter;
})()`

	msgBrowserAt(t, ctx, 1440, 900, false)
	waitFitted(t, ctx, page)
	if got := evalMsg[string](t, ctx, state); got != "none | none" {
		t.Errorf("light mode: filters %q, want none", got)
	}
	if evalMsg[bool](t, ctx, `document.querySelector('[data-testid="original-colours"]').checkVisibility()`) {
		t.Error("light mode shows the colours switch")
	}

	msgBrowserAt(t, ctx, 1440, 900, true)
	waitFitted(t, ctx, page)
	if got := evalMsg[string](t, ctx, state); got != "invert(1) hue-rotate(180deg) | invert(1) hue-rotate(180deg)" {
		t.Errorf("dark mode: filters %q, want the frame inverted and its picture turned back", got)
	}
	msgScreenshot(t, ctx, "message-short-1440-dark")
	run(t, ctx, "original colours", chromedp.Click(`[data-testid="original-colours"]`))
	if got := evalMsg[string](t, ctx, state); got != "none | none" {
		t.Errorf("original colours: filters %q, want none", got)
	}
	if loc := location(t, ctx); loc != page {
		t.Errorf("the switch navigated to %s", loc)
	}

	// Without JavaScript the switch is a link to the page with the
	// original colours; that page says so and so does its body.
	_, doc := f.page(t, fmt.Sprintf("/mail/INBOX/%d", uid))
	href, _ := doc.Find(`[data-testid="original-colours"]`).Attr("href")
	_, doc = f.page(t, href)
	frame := doc.Find(`iframe[data-testid="html-body"]`)
	src, _ := frame.Attr("src")
	if !frame.HasClass("original-colours") || !strings.Contains(src, "original=1") ||
		doc.Find(`[data-testid="original-colours"][aria-pressed="true"]`).Length() != 1 {
		t.Errorf("%s: frame class %q src %q", href, frame.AttrOr("class", ""), src)
	}
	if _, body := f.fetch(t, src); !strings.Contains(string(body), `<html class="original">`) {
		t.Errorf("body %s does not keep its colours", src)
	}
}

// TestMessagePhoneLayout: at 1440, 390 and 320 px, light and dark, the
// message page (a text reply in its conversation) is never wider than the
// screen, its actions are one bar (one row), with 44 px targets on
// phones, the subject comes before the bar, and an older message of the
// conversation opens in place with its body fitted.
func TestMessagePhoneLayout(t *testing.T) {
	f := newMsgFixture(t)
	original := []byte("From: Anna <anna@example.org>\r\nTo: reader@example.test\r\nSubject: Thursday\r\n" +
		"Date: Mon, 2 Mar 2026 09:00:00 +0000\r\nMessage-ID: <thursday-0@example.org>\r\n\r\nShall we meet on Thursday?\r\n")
	uids := f.appendMessages(t, "INBOX", original, quotedEML("thursday-1@example.org", "thursday-0@example.org"))
	page := fmt.Sprintf("%s/mail/INBOX/%d?thread=1", f.http.URL, uids[1])
	ctx := f.chromium(t)
	const layout = `(() => {
  const bar = document.querySelector('form[data-testid="actions"] .bar');
  const items = [...bar.children];
  const tops = new Set(items.map((e) => Math.round(e.getBoundingClientRect().top)));
  const targets = items.map((e) => e.tagName === "DETAILS" ? e.querySelector("summary") : e).map((e) => e.getBoundingClientRect());
  const subject = document.querySelector('[data-testid="subject"]').getBoundingClientRect();
  return {rows: tops.size, smallest: Math.min(...targets.map((r) => Math.min(r.width, r.height))),
    subjectFirst: subject.bottom <= bar.getBoundingClientRect().top,
    pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth};
})()`
	type result struct {
		Rows                float64
		Smallest            float64
		SubjectFirst        bool
		PageWidth, Viewport float64
	}
	for _, width := range []int64{1440, 390, 320} {
		for _, dark := range []bool{false, true} {
			msgBrowserAt(t, ctx, width, 844, dark)
			run(t, ctx, "open the conversation", chromedp.Navigate(page), chromedp.WaitVisible(`[data-testid="conversation-item"]`))
			got := evalMsg[result](t, ctx, layout)
			name := fmt.Sprintf("%d px, dark=%v", width, dark)
			if got.PageWidth > got.Viewport {
				t.Errorf("%s: the page is %v px wide", name, got.PageWidth)
			}
			if got.Rows != 1 {
				t.Errorf("%s: the actions take %v rows", name, got.Rows)
			}
			if width < 720 && got.Smallest < 44 {
				t.Errorf("%s: an action is %v px, under 44", name, got.Smallest)
			}
			if !got.SubjectFirst {
				t.Errorf("%s: the subject is not above the actions", name)
			}
			run(t, ctx, "open the older message", chromedp.Click(`[data-testid="conversation-item"] > summary`),
				chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="conversation-body"]').classList.contains("fitted")`, chromedp.WithPollingTimeout(15*time.Second)))
			scheme := "light"
			if dark {
				scheme = "dark"
			}
			msgScreenshot(t, ctx, fmt.Sprintf("message-conversation-%d-%s", width, scheme))
			run(t, ctx, "open the more menu", chromedp.Click(`details[data-testid="more"] > summary`), chromedp.WaitVisible(`[data-testid="action-flag"]`))
			if got := evalMsg[result](t, ctx, layout); got.PageWidth > got.Viewport {
				t.Errorf("%s: the open menu makes the page %v px wide", name, got.PageWidth)
			}
			msgScreenshot(t, ctx, fmt.Sprintf("message-menu-%d-%s", width, scheme))
			run(t, ctx, "click beside the menu", chromedp.Click(`[data-testid="subject"]`))
			if evalMsg[bool](t, ctx, `document.querySelector('details[data-testid="more"]').open`) {
				t.Errorf("%s: the more menu stays open after a click elsewhere", name)
			}
		}
	}
}
