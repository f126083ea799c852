package handlers_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTopBarOnPhone: at 390 px the top bar fits, its controls are 44 px
// targets that keep their names (icons, labels hidden visually only), and
// it slides away while the user scrolls down the list, back on the way up.
func TestTopBarOnPhone(t *testing.T) {
	f := newListFixture(t)
	b := newListBrowser(t)
	b.signIn(f.http.URL)
	b.do(chromedp.EmulateViewport(390, 844), chromedp.Navigate(f.http.URL+"/mail/INBOX"))
	b.until("the list", `document.querySelector('[data-testid="message-list"]') !== null`)

	if wide := evalIn[string](b, `document.documentElement.scrollWidth > 390 ? [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > 391).slice(0, 5).map((e) => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join(", ") : ""`); wide != "" {
		t.Errorf("the page is wider than the phone's screen: %s", wide)
	}
	targets := evalIn[[]string](b, `[...document.querySelectorAll(".topbar a, .topbar button")].map((e) => {
		const r = e.getBoundingClientRect();
		return (e.getAttribute("data-testid") || e.className) + " " + Math.round(r.width) + "x" + Math.round(r.height) + " " + e.textContent.trim();
	})`)
	for _, target := range targets {
		var name, size, text string
		parts := strings.SplitN(target, " ", 3)
		name, size = parts[0], parts[1]
		if len(parts) == 3 {
			text = parts[2]
		}
		var w, h int
		if _, err := fmtSscanf(size, &w, &h); err != nil || w < 44 || h < 44 {
			t.Errorf("top bar control %s is %s, want at least 44x44", name, size)
		}
		if text == "" {
			t.Errorf("top bar control %s has no name", name)
		}
	}
	if label := evalIn[string](b, `getComputedStyle(document.querySelector('[data-testid="logout"] .icon-label')).width`); label != "1px" {
		t.Errorf("the log-out label is %s wide on a phone, want hidden visually (1px)", label)
	}

	hidden := `document.querySelector(".topbar").classList.contains("topbar-hidden")`
	bottom := evalIn[int](b, `document.documentElement.scrollHeight - window.innerHeight`)
	if bottom < 400 {
		t.Fatalf("the list scrolls only %d px: too short to test the top bar", bottom)
	}
	// The browser folds scrolls within one frame into one event: each
	// step waits for its own event (app.js handled it by then too).
	evalIn[bool](b, `(window.addEventListener("scroll", () => { window.scrolledTo = Math.round(window.scrollY); }), true)`)
	evalIn[bool](b, `(window.scrollTo(0, 200), true)`)
	b.until("the first scroll seen", `window.scrolledTo === 200`)
	evalIn[bool](b, `(window.scrollTo(0, `+strconv.Itoa(bottom)+`), true)`)
	b.until("the scroll down seen", `window.scrolledTo === `+strconv.Itoa(bottom))
	if !evalIn[bool](b, hidden) {
		t.Error("the top bar stays after scrolling down")
	}
	evalIn[bool](b, `(window.scrollTo(0, `+strconv.Itoa(bottom/2)+`), true)`)
	b.until("the top bar back after scrolling up", "!"+hidden)
}

// fmtSscanf reads "WxH".
func fmtSscanf(size string, w, h *int) (int, error) { return fmt.Sscanf(size, "%dx%d", w, h) }

// contrastScript lists, on the page as it is, the form controls whose
// border has less than 3:1 contrast with what surrounds them, and the
// focusable elements whose focus ring (outline) is missing, thinner than
// 2 px or under 3:1 against the background around them (WCAG 1.4.11).
// Backgrounds are composited from the root down, so translucent panels
// count as they look.
const contrastScript = `(() => {
	const parse = (c) => {
		let m = c.match(/^rgba?\(([^)]+)\)/);
		if (m) { const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; }
		m = c.match(/^color\(srgb ([^)]+)\)/);
		if (m) { const p = m[1].split(/[\s\/]+/).filter(Boolean).map(Number); return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1]; }
		return null;
	};
	const behind = (el) => {
		const chain = [];
		for (let e = el; e; e = e.parentElement) chain.unshift(e);
		let c = parse(getComputedStyle(document.documentElement).colorScheme === "dark" ? "rgb(18, 18, 18)" : "rgb(255, 255, 255)");
		for (const e of chain) {
			const p = parse(getComputedStyle(e).backgroundColor);
			if (p && p[3] > 0) c = [0, 1, 2].map((i) => p[i] * p[3] + c[i] * (1 - p[3]));
		}
		return c;
	};
	const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
	const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
	const name = (el) => el.tagName.toLowerCase() + (el.name ? "[name=" + el.name + "]" : "") + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "");
	const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
	const bad = [];
	let borders = 0, rings = 0;
	for (const el of document.querySelectorAll("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea")) {
		const s = getComputedStyle(el);
		if (!visible(el) || parseFloat(s.borderTopWidth) === 0 || s.borderTopStyle === "none") continue;
		borders++;
		const r = ratio(parse(s.borderTopColor), behind(el.parentElement));
		if (r < 3) bad.push("border of " + name(el) + " " + r.toFixed(2) + ":1");
	}
	const focusable = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea")].filter(visible).slice(0, 60);
	for (const el of focusable) {
		el.focus({ preventScroll: true });
		if (document.activeElement !== el) continue;
		const s = getComputedStyle(el);
		rings++;
		const width = parseFloat(s.outlineWidth);
		if (s.outlineStyle === "none" || width < 2) { bad.push("focus ring of " + name(el) + ": " + s.outlineStyle + " " + s.outlineWidth); continue; }
		const r = ratio(parse(s.outlineColor), behind(el.parentElement));
		if (r < 3) bad.push("focus ring of " + name(el) + " " + r.toFixed(2) + ":1");
	}
	document.activeElement && document.activeElement.blur();
	return { problems: bad, borders, rings };
})()`

// contrastFindings is what contrastScript found, and how many borders and
// focus rings it measured (none would prove nothing).
type contrastFindings struct {
	Problems []string
	Borders  int
	Rings    int
}

// TestControlContrast: on the shell's pages and the main ones, light and
// dark, every form control's border and every focus ring stands out at
// 3:1 or more from what is around it.
func TestControlContrast(t *testing.T) {
	f := newListFixture(t)
	b := newListBrowser(t)
	b.signIn(f.http.URL)
	for _, page := range []string{"/mail/INBOX", "/settings", "/folders", "/search", "/compose", "/settings/identities"} {
		for _, theme := range []string{"light", "dark"} {
			b.do(chromedp.EmulateViewport(1440, 900), chromedp.Navigate(f.http.URL+page))
			b.until("the page", `document.readyState === "complete"`)
			evalIn[bool](b, `(document.documentElement.setAttribute("data-theme", "`+theme+`"), true)`)
			found := evalIn[contrastFindings](b, contrastScript)
			if found.Rings == 0 || (page != "/compose" && found.Borders == 0) {
				t.Errorf("%s, %s: measured %d borders and %d focus rings", page, theme, found.Borders, found.Rings)
			}
			for _, problem := range found.Problems {
				t.Errorf("%s, %s: %s", page, theme, problem)
			}
		}
	}
}
