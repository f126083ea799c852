package handlers_test

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/domsnapshot"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/webmail/webmail/internal/axe"
)

// a11yPage is one page the accessibility test visits: where, and what
// shows that it is ready. A page with click is checked after clicking
// the element it names and seeing clickReady (an open menu, the reading
// pane); wideOnly is for a state only wide screens have.
type a11yPage struct {
	name, path, ready string
	click, clickReady string
	wideOnly          bool
}

// a11yViewports are the sizes the issue names: a desktop, a phone, and
// the narrowest phone, where only the page's width is checked (a
// newsletter may scroll sideways in its frame there: message.js shrinks
// it to half its width at most, to keep it legible).
var a11yViewports = []a11yViewport{{1440, 900, true}, {390, 844, true}, {320, 640, false}}

// a11yViewport is a window size; full is whether everything is checked
// at it (axe-core, the message body fitting its frame), or only the
// page's width.
type a11yViewport struct {
	width, height int64
	full          bool
}

// a11yPass is one round over the pages: in a language (Accept-Language)
// and colour schemes; label names its screenshots, only (if set) the
// pages it visits.
type a11yPass struct {
	label, lang string
	schemes     []string
	only        []string
}

// TestPagesAccessibleAndFit visits every page of the webmail in Chromium
// at a desktop and a phone size, in the light and the dark colour scheme,
// again in German (longer words) in the light one, and the main pages
// once more with the settings a user can change them with (dark theme
// chosen, compact density, reading pane below): no page scrolls sideways
// (at 320 px either), and axe-core finds no serious or critical
// violation. With WEBMAIL_SCREENSHOTS=dir it leaves a full-page PNG of
// each page, size and scheme there (make screenshots).
func TestPagesAccessibleAndFit(t *testing.T) {
	f := newListFixture(t)
	pages := a11yPages(t, f)
	b := newListBrowser(t)
	english := a11yPass{"", "en", []string{"light", "dark"}, nil}

	// The login page, before signing in.
	b.do(chromedp.Navigate(f.http.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)))
	b.checkPage(t, english, "login", a11yViewports...)
	b.signIn(f.http.URL)
	for _, pass := range []a11yPass{
		english,
		{"de", "de", []string{"light"}, nil},
		// The dark theme as a setting, while the system asks for light.
		{"compact", "en", []string{"light"}, []string{"list", "list-selected", "pane-html", "message-html", "folders", "settings"}},
	} {
		b.do(acceptLanguage(pass.lang))
		if pass.label == "compact" {
			b.chooseSettings(f.http.URL, "#theme-dark", "#density-compact", "#reading-pane-below")
			b.do(chromedp.WaitVisible(chromedp.CSS(`html[data-theme="dark"][data-density="compact"]`)))
		}
		for _, p := range pages {
			if pass.only != nil && !slices.Contains(pass.only, p.name) {
				continue
			}
			b.do(chromedp.EmulateViewport(1440, 900), chromedp.Navigate(f.http.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready)))
			if got := evalIn[string](b, `document.documentElement.lang`); got != pass.lang {
				t.Errorf("%s: <html lang=%q>, asked for %q", p.name, got, pass.lang)
			}
			if p.click == "" {
				b.checkPage(t, pass, p.name, a11yViewports...)
				continue
			}
			b.click(p.click)
			b.do(chromedp.WaitVisible(chromedp.CSS(p.clickReady)))
			if p.wideOnly {
				b.checkPage(t, pass, p.name, a11yViewports[0])
			} else {
				b.checkPage(t, pass, p.name, a11yViewports...)
			}
		}
	}
}

// chooseSettings checks the settings page's radio buttons the selectors
// name and saves.
func (b *listBrowser) chooseSettings(base string, selectors ...string) {
	b.t.Helper()
	b.do(chromedp.Navigate(base+"/settings"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="settings-save"]`)))
	for _, sel := range selectors {
		b.click(sel)
	}
	b.click(`[data-testid="settings-save"]`)
}

// acceptLanguage makes the browser ask for pages in lang.
func acceptLanguage(lang string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}})
		return err
	})
}

// a11yPages are the pages behind the login, found in the demo mailbox.
func a11yPages(t *testing.T, f *listFixture) []a11yPage {
	t.Helper()
	var plain, html, reply uint32
	for _, s := range summaries(t, f.mailClient(t), "INBOX") {
		switch {
		case reply == 0 && strings.HasPrefix(s.Subject, "Re: "):
			reply = s.UID // in a conversation
		case s.Subject == "[webmail-dev] Proposal: drop the old polyfills":
			plain = s.UID
		case html == 0 && len(s.From) > 0 && strings.HasSuffix(s.From[0].Email, "@gopherweekly.example"):
			html = s.UID // a fixed-width newsletter
		}
	}
	if plain == 0 || html == 0 || reply == 0 {
		t.Fatalf("demo mailbox: plain-text message %d, HTML newsletter %d, reply %d", plain, html, reply)
	}
	list := `[data-testid="message-list"]`
	return []a11yPage{
		{"list", "/mail/INBOX", list, "", "", false},
		// A message selected: the actions on it (a bar at the bottom
		// on a phone).
		{"list-selected", "/mail/INBOX", list, `[data-testid="message-row"]:nth-child(2) [data-testid="select"]`, `[data-testid="selection-actions"]`, false},
		{"list-shortcuts", "/mail/INBOX", `[data-testid="shortcuts-button"]`, `[data-testid="shortcuts-button"]`, `#shortcuts`, false},
		// The reading pane, with the plain message and the newsletter
		// (list_pane.js opens a row's message beside the list).
		{"pane-plain", "/mail/INBOX?" + url.Values{"q": {"polyfills"}}.Encode(), list,
			`tr[data-uid="` + uidString(plain) + `"] [data-testid="message-link"]`, `#reading-pane [data-testid="message"]`, true},
		{"pane-html", "/mail/INBOX?" + url.Values{"from": {"gopherweekly.example"}}.Encode(), list,
			`tr[data-uid="` + uidString(html) + `"] [data-testid="message-link"]`, `#reading-pane [data-testid="message"] iframe`, true},
		{"conversations", "/mail/INBOX?view=threads", list, "", "", false},
		{"search", "/search?" + url.Values{"q": {"library"}, "run": {"1"}}.Encode(), "main", "", "", false},
		{"message-plain", "/mail/INBOX/" + uidString(plain), "main", "", "", false},
		{"message-html", "/mail/INBOX/" + uidString(html), "main iframe", "", "", false},
		{"message-more", "/mail/INBOX/" + uidString(plain), "main", `[data-testid="more"] > summary`, `[data-testid="more"][open]`, false},
		{"message-conversation", "/mail/INBOX/" + uidString(reply) + "?thread=1", `[data-testid="conversation"]`, "", "", false},
		{"folders", "/folders", "main", "", "", false},
		{"settings", "/settings", "main", "", "", false},
		{"identities", "/settings/identities", `[data-testid="identity-form"]`, "", "", false},
		{"sessions", "/settings/sessions", `[data-testid="session-end"]`, "", "", false},
		{"compose", "/compose", `[data-testid="editor"]`, "", "", false},
		{"outbox", "/outbox", "main", "", "", false},
		{"error", "/mail/INBOX/4000000000", "main", "", "", false},
	}
}

// checkPage checks the page the browser shows at each size and colour
// scheme, and takes its screenshots.
func (b *listBrowser) checkPage(t *testing.T, pass a11yPass, name string, viewports ...a11yViewport) {
	t.Helper()
	if !evalIn[bool](b, `typeof axe !== "undefined"`) {
		evalIn[bool](b, axe.Script()+";\ntrue")
	}
	severe, minor, undecided := 0, 0, map[string]bool{}
	if pass.label != "" {
		name = pass.label + "-" + name
	}
	for _, scheme := range pass.schemes {
		for _, vp := range viewports {
			where := fmt.Sprintf("%s at %d px, %s", name, vp.width, scheme)
			var touch []chromedp.EmulateViewportOption
			if vp.width < 800 {
				touch = append(touch, chromedp.EmulateTouch) // (pointer: coarse), as on a phone
			}
			b.do(chromedp.EmulateViewport(vp.width, vp.height, touch...), emulateScheme(scheme))
			b.laidOut()
			if overflow := evalIn[string](b, a11yOverflow); overflow != "" {
				t.Errorf("%s: the page scrolls sideways: %s", where, overflow)
			}
			if vp.full {
				for _, wide := range b.framesTooWide() {
					t.Errorf("%s: %s", where, wide)
				}
				result := b.axe()
				for _, v := range result.Incomplete {
					if v.Severe() {
						undecided[v.ID] = true
					}
				}
				for _, v := range result.Violations {
					if !v.Severe() {
						minor++
						continue
					}
					severe++
					t.Errorf("%s: axe: %s", where, v)
				}
			}
			b.screenshot(fmt.Sprintf("%s-%d-%s", name, vp.width, scheme))
		}
	}
	t.Logf("%s: axe-core violations: %d serious or critical, %d minor or moderate (%s); undecided serious checks: %v",
		name, severe, minor, strings.Join(pass.schemes, ", "), slices.Sorted(maps.Keys(undecided)))
	b.do(chromedp.ResetViewport(), emulateScheme(""))
}

// emulateScheme makes the page see prefers-color-scheme: scheme ("" for
// the browser's own).
func emulateScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		params := emulation.SetEmulatedMediaParams{}
		if scheme != "" {
			params.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
		}
		_, err := cdp.Call(ctx, target, emulation.SetEmulatedMedia, params)
		return err
	})
}

// a11yOverflow is "" when the page is no wider than the window, else by
// how much it is wider and the elements that reach furthest right without
// being clipped by an ancestor (off-canvas menus are left out: they do
// not widen the page).
const a11yOverflow = `(() => {
	const width = document.scrollingElement.scrollWidth, inner = window.innerWidth;
	if (width <= inner) return "";
	// An absolutely positioned element is clipped only by the scrollers
	// around its containing block (a visually-hidden label inside a
	// sideways scroller without position escapes it and widens the page).
	const clipped = (e) => {
		const position = getComputedStyle(e).position;
		if (position === "fixed") return false;
		const from = position === "absolute" ? e.offsetParent : e.parentElement;
		for (let p = from; p && p !== document.body; p = p.parentElement) {
			const s = getComputedStyle(p);
			if (s.overflowX !== "visible" && p.getBoundingClientRect().right <= inner) return true;
		}
		return false;
	};
	const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
		(typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : "") +
		(e.dataset.testid ? "[" + e.dataset.testid + "]" : "");
	const out = [...document.querySelectorAll("body *")]
		.filter((e) => e.getBoundingClientRect().right > inner + 0.5 && e.checkVisibility() && !clipped(e))
		.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
		.slice(0, 8)
		.map((e) => name(e) + " right " + Math.round(e.getBoundingClientRect().right));
	return "scrollWidth " + width + " > " + inner + ": " + out.join(", ");
})()`

// framesTooWide describes each frame (the message body) whose content is
// wider than the frame: a newsletter cut off on the right, or scrolling
// sideways inside the page. The body runs no script, so its width comes
// from a DOM snapshot of the page, frames included. A frame not shown
// (a folded message of a conversation, loaded lazily) is left out.
func (b *listBrowser) framesTooWide() []string {
	b.t.Helper()
	// The shown frames' widths as the page lays them out, by URL.
	widths := evalIn[map[string]float64](b, `Object.fromEntries([...document.querySelectorAll("iframe")].filter((f) => f.checkVisibility()).map((f) => [f.src, f.clientWidth]))`)
	if len(widths) == 0 {
		return nil
	}
	var snap domsnapshot.CaptureSnapshotResult
	err := chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		var err error
		snap, err = cdp.Call(ctx, target, domsnapshot.CaptureSnapshot, domsnapshot.CaptureSnapshotParams{ComputedStyles: []string{}})
		return err
	}))
	if err != nil {
		b.t.Fatalf("DOM snapshot: %v", err)
	}
	var out []string
	found := 0
	for _, doc := range snap.Documents[1:] {
		url := snap.Strings[doc.DocumentURL]
		width, shown := widths[url]
		if !shown {
			continue
		}
		found++
		if doc.ContentWidth > width+0.5 {
			out = append(out, fmt.Sprintf("the frame %s is %.0f px wide inside %.0f px: cut off or scrolling sideways", url, doc.ContentWidth, width))
		}
	}
	if found < len(widths) {
		b.t.Fatalf("the DOM snapshot has %d of the page's %d shown frames: %v", found, len(widths), widths)
	}
	return out
}

// laidOut waits until the browser has laid the page out again after a
// size or scheme change: two animation frames.
func (b *listBrowser) laidOut() {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))`, chromedp.EvalAwaitPromise)); err != nil {
		b.t.Fatal(err)
	}
}

// axe runs axe-core (injected by checkPage) on the page.
func (b *listBrowser) axe() axe.Result {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[axe.Result](axe.Run, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe-core: %v", err)
	}
	return v
}
