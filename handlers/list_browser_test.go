package handlers_test

import (
	"context"
	"fmt"
	"net/smtp"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/webmail/webmail/internal/demo"
)

// listBrowser is a headless Chromium (Debian's chromium) on one tab.
type listBrowser struct {
	t   *testing.T
	ctx context.Context
}

func newListBrowser(t *testing.T) *listBrowser {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("no chromium to run list.js in (apt-get install chromium): %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first run starts the browser, which lives as long as the
	// context of that run: this one, not a per-step timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &listBrowser{t: t, ctx: ctx}
}

// signIn logs in as the demo user through the login form and waits for
// the inbox.
func (b *listBrowser) signIn(base string) {
	b.t.Helper()
	b.do(
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SetValue(chromedp.CSS(`input[name="username"]`), demo.DefaultUser),
		chromedp.SetValue(chromedp.CSS(`input[name="password"]`), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="message-list"]`)),
	)
}

// do runs steps, bounded so a broken page fails the test instead of
// hanging it.
func (b *listBrowser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// settled waits for the status line to say status and for the list's
// refresh to be done (list.js marks the list aria-busy until then).
func (b *listBrowser) settled(status string) {
	b.t.Helper()
	b.until("“"+status+"”", `document.getElementById("list-status").textContent === `+strconv.Quote(status)+` && !document.querySelector('[aria-busy="true"]')`)
}

// until waits for a JavaScript condition to hold.
func (b *listBrowser) until(what, expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(25*time.Second))); err != nil {
		status, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.getElementById("list-status")||{}).textContent || ""`))
		b.t.Fatalf("waiting for %s (%s): %v; status line %q", what, expr, err, status)
	}
}

// click clicks the element sel names as it is at that moment. events.js
// may redraw the list at any time when the mailbox changes (new mail, or
// our own moves seen over IDLE), so a node looked up earlier can be gone.
func (b *listBrowser) click(sel string) {
	b.t.Helper()
	if !evalIn[bool](b, `(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); if (!e) return false; e.click(); return true; })()`) {
		b.t.Fatalf("nothing to click at %s", sel)
	}
}

func evalIn[T any](b *listBrowser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// TestListScriptInBrowser runs list.js in Chromium against the demo
// mailbox: keyboard cursor and selection, flagging, deleting and moving
// without a reload, select-all, the confirmation before deleting from
// Trash, the shortcuts overlay, the search key, and a phone-sized screen.
func TestListScriptInBrowser(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	b := newListBrowser(t)

	b.signIn(f.http.URL)
	// A marker that a full page load would wipe out.
	evalIn[bool](b, `window.noReload = true`)
	b.until("select-all to appear", `!document.getElementById("select-all").hidden`)

	// j moves the cursor and focus down, x selects, f flags.
	b.do(chromedp.KeyEvent("j"), chromedp.KeyEvent("j"))
	b.until("the cursor on row 2", `document.querySelectorAll('tr.cursor').length === 1 && document.querySelectorAll('[data-testid="message-row"]')[1].classList.contains("cursor") && document.activeElement.dataset.testid === "message-link"`)
	b.do(chromedp.KeyEvent("k"))
	b.until("the cursor back on row 1", `document.querySelectorAll('[data-testid="message-row"]')[0].classList.contains("cursor")`)
	first := evalIn[string](b, `document.querySelectorAll('[data-testid="message-row"]')[0].dataset.uid`)
	b.do(chromedp.KeyEvent("x"))
	b.until("row 1 selected", `document.querySelectorAll('tr.selected').length === 1 && document.querySelector('[data-testid="selected-count"]').textContent === "1 selected"`)
	b.do(chromedp.KeyEvent("f"))
	b.settled("Flagged 1 message.")
	b.until("the flag and the selection kept after the refresh", `document.querySelector('tr[data-uid="`+first+`"] [data-testid="mark-flagged"]') !== null && document.querySelector('tr[data-uid="`+first+`"]').classList.contains("selected")`)
	if s := summaries(t, direct, "INBOX")[0]; !s.Flagged || uidString(s.UID) != first {
		t.Fatalf("the server's first message: %+v", s)
	}
	b.do(chromedp.KeyEvent("f"))
	b.settled("Removed the flag from 1 message.")

	// Select all, then none.
	b.click("#select-all")
	b.until("all selected", `document.querySelectorAll('tr.selected').length === 50 && document.querySelector('[data-testid="selected-count"]').textContent === "50 selected"`)
	b.click("#select-all")
	b.until("none selected", `document.querySelectorAll('tr.selected').length === 0`)

	// # deletes the message at the cursor: gone from the page, which
	// fills up again from the server.
	b.do(chromedp.KeyEvent("#"))
	b.settled("Moved 1 message to Trash.")
	b.until("the row gone and the page full again", `!document.querySelector('tr[data-uid="`+first+`"]') && document.querySelectorAll('[data-testid="message-row"]').length === 50`)
	// The cursor's message is gone: no cursor, rather than one on a
	// message the next key would act on unseen.
	b.until("no cursor after its row went", `document.querySelectorAll("tr.cursor").length === 0`)
	inbox := summaries(t, direct, "INBOX")
	if uidString(inbox[0].UID) == first {
		t.Fatal("the deleted message is still in INBOX")
	}

	// Move two with the menu.
	second := uidString(inbox[1].UID)
	b.click(`tr[data-uid="` + uidString(inbox[0].UID) + `"] [data-testid="select"]`)
	b.click(`tr[data-uid="` + second + `"] [data-testid="select"]`)
	b.do(chromedp.SetValue(chromedp.CSS(`[data-testid="move-target"]`), "Archive"))
	b.click(`[data-testid="act-move"]`)
	b.settled("Moved 2 messages to Archive.")
	b.until("the rows gone", `!document.querySelector('tr[data-uid="`+second+`"]')`)
	if findCopy(t, direct, "Archive", inbox[1]) == 0 {
		t.Fatal("not in Archive")
	}
	if !evalIn[bool](b, `window.noReload === true`) {
		t.Fatal("the page reloaded")
	}

	// events.js redraws the table when new mail arrives: the selection
	// and the cursor survive it, the cursor on the same message though
	// the new one pushed it down a row.
	keep := uidString(summaries(t, direct, "INBOX")[2].UID)
	b.click(`tr[data-uid="` + keep + `"] [data-testid="select"]`)
	const arrived = "Arrived above the cursor"
	deliver(t, f, arrived)
	redraw := `(async () => {
		const html = await (await fetch(location.href)).text();
		const fresh = new DOMParser().parseFromString(html, "text/html").querySelector('[data-testid="message-list"]');
		document.querySelector('[data-testid="message-list"]').replaceWith(document.importNode(fresh, true));
		document.dispatchEvent(new CustomEvent("webmail:list-replaced"));
		return true;
	})()`
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](redraw, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	cancel()
	b.until("the selection back after a redraw", `document.querySelector('tr[data-uid="`+keep+`"] [data-testid="select"]').checked && document.querySelector('tr[data-uid="`+keep+`"]').classList.contains("selected") && document.querySelector('[data-testid="selected-count"]').textContent === "1 selected" && document.querySelectorAll("tr.cursor").length === 1`)
	b.until("the cursor still on the same message", `(() => {
		const rows = [...document.querySelectorAll('[data-testid="message-row"]')];
		const fresh = rows.findIndex((r) => r.textContent.includes(`+strconv.Quote(arrived)+`));
		const kept = rows.findIndex((r) => r.dataset.uid === `+strconv.Quote(keep)+`);
		return fresh >= 0 && fresh < kept && rows[kept].classList.contains("cursor") && document.querySelectorAll("tr.cursor").length === 1;
	})()`)
	b.click(`tr[data-uid="` + keep + `"] [data-testid="select"]`)

	// ? shows the shortcuts, Escape hides them; / goes to the search box.
	b.do(chromedp.KeyEvent("?"))
	b.until("the help", `!document.getElementById("shortcuts").hidden && document.activeElement.classList.contains("shortcuts-close")`)
	b.do(chromedp.KeyEvent("\x1b"))
	b.until("the help closed", `document.getElementById("shortcuts").hidden`)
	b.do(chromedp.KeyEvent("/"))
	b.until("the search box focused", `document.activeElement.id === "list-search"`)

	// In Trash, delete asks first and then deletes for good.
	trash := summaries(t, direct, "Trash")
	b.do(
		chromedp.Navigate(f.http.URL+"/mail/Trash"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="message-list"]`)),
	)
	evalIn[bool](b, `window.asked = []; window.confirm = (m) => { window.asked.push(m); return true; }; true`)
	b.click(`tr[data-uid="` + uidString(trash[0].UID) + `"] [data-testid="select"]`)
	b.click(`[data-testid="act-delete"]`)
	b.settled("Deleted 1 message for good.")
	if asked := evalIn[[]string](b, `window.asked`); len(asked) != 1 || !strings.HasPrefix(asked[0], "Delete the selected messages for good?") {
		t.Errorf("asked %q before deleting for good", asked)
	}
	if got := summaries(t, direct, "Trash"); len(got) != len(trash)-1 || slices.ContainsFunc(got, func(s mailSummary) bool { return s.UID == trash[0].UID }) {
		t.Fatal("the message is still in Trash")
	}

	// A phone-sized screen: nothing wider than the screen, the toolbar
	// and checkboxes still there.
	b.do(chromedp.EmulateViewport(375, 800), chromedp.Navigate(f.http.URL+"/mail/INBOX"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="message-list"]`)))
	if !evalIn[bool](b, `document.documentElement.scrollWidth <= window.innerWidth && document.querySelector('[data-testid="list-toolbar"]').getBoundingClientRect().width <= window.innerWidth && document.querySelector('[data-testid="select"]').getBoundingClientRect().width > 0`) {
		t.Error("the list does not fit a phone-sized screen")
		t.Log("too wide:", evalIn[string](b, `JSON.stringify({sw: document.documentElement.scrollWidth, iw: window.innerWidth, wide: Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".folders ul")).slice(0, 12).map(e => e.tagName + "." + e.className + "#" + e.id + " " + Math.round(e.getBoundingClientRect().right))})`))
	}
}

// deliver sends a message with subject to the demo user over SMTP and
// waits until it is in INBOX.
func deliver(t *testing.T, f *listFixture, subject string) {
	t.Helper()
	id := strings.ReplaceAll(strings.ToLower(subject), " ", "-")
	msg := fmt.Sprintf("From: Live Sender <live@example.test>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@example.test>\r\n\r\nHello.\r\n", demo.DefaultUser, subject, id)
	if err := smtp.SendMail(f.mail.SMTPAddr, nil, "live@example.test", []string{demo.DefaultUser}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	direct := f.mailClient(t)
	for deadline := time.Now().Add(20 * time.Second); ; {
		if slices.ContainsFunc(summaries(t, direct, "INBOX"), func(s mailSummary) bool { return s.Subject == subject }) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q was not delivered", subject)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestNewMailRefreshInBrowser: events.js leaves the list alone while
// list.js is busy with an action and refreshes it afterwards, and of two
// refreshes the older answer, arriving last, does not overwrite the newer.
func TestNewMailRefreshInBrowser(t *testing.T) {
	f := newListFixture(t)
	b := newListBrowser(t)
	b.signIn(f.http.URL)
	b.until("the event stream", `document.body.dataset.inboxMessages !== undefined`)
	// Count events.js's list requests. Once armed with a stale page, the
	// next one answers with it 3 s late, like a slow server's old list.
	evalIn[bool](b, `(() => {
		window.noReload = true;
		window.eventsFetches = 0;
		window.stalePage = null;
		window.slowDone = false;
		const realFetch = window.fetch;
		window.realFetch = realFetch;
		window.fetch = (url, opts) => {
			if (!opts || !opts.headers || opts.headers["X-Requested-With"] !== "events") {
				return realFetch(url, opts);
			}
			window.eventsFetches++;
			const stale = window.stalePage;
			if (stale === null) {
				return realFetch(url, opts);
			}
			window.stalePage = null;
			return new Promise((done) => setTimeout(() => { window.slowDone = true; done(new Response(stale, { status: 200 })); }, 3000));
		};
		return true;
	})()`)
	listed := func(subject string) string {
		return `[...document.querySelectorAll('[data-testid="message-link"]')].some((a) => a.textContent.includes(` + strconv.Quote(subject) + `))`
	}
	// afterPause evaluates expr after 1.5 s, for what must not happen.
	afterPause := func(expr string) bool {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise((done) => setTimeout(() => done(`+expr+`), 1500))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	// While list.js is busy, no refresh; once it is done, the new mail.
	before := evalIn[string](b, `document.body.dataset.inboxMessages`)
	evalIn[bool](b, `document.body.dataset.listBusy = "true"; true`)
	const duringAction = "Arrived during an action"
	deliver(t, f, duringAction)
	b.until("the new count", `document.body.dataset.inboxMessages !== `+strconv.Quote(before))
	if !afterPause(`window.eventsFetches === 0 && !` + listed(duringAction)) {
		t.Fatal("events.js refreshed the list while list.js was busy")
	}
	evalIn[bool](b, `delete document.body.dataset.listBusy; true`)
	b.until("the mail after the action", listed(duringAction))

	// Two refreshes, the first answered last: the newer list stays.
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	arm := `(async () => {
		window.stalePage = await (await window.realFetch(location.href)).text();
		window.eventsFetches = 0;
		return true;
	})()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](arm, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	const first, second = "First of two", "Second of two"
	deliver(t, f, first)
	b.until("the slow refresh asked", `window.eventsFetches >= 1`)
	deliver(t, f, second)
	b.until("the second refresh shown", `window.eventsFetches >= 2 && `+listed(second))
	b.until("the slow answer in", `window.slowDone`)
	if !afterPause(listed(first) + ` && ` + listed(second)) {
		t.Fatal("the older refresh replaced the newer list")
	}
	if !evalIn[bool](b, `window.noReload === true`) {
		t.Fatal("the page reloaded")
	}

	// With a message open in the reading pane (the address bar on the
	// message), new mail still refreshes the list, and the pane stays.
	b.do(chromedp.EmulateViewport(1440, 900))
	b.until("the reading pane", `!document.getElementById("reading-pane").hidden`)
	b.click(`[data-testid="message-link"]`)
	b.until("the message in the pane", `document.querySelector('#reading-pane article[data-testid="message"]') !== null && location.pathname !== "/mail/INBOX"`)
	const whileReading = "Arrived while reading"
	deliver(t, f, whileReading)
	b.until("the mail that arrived while reading", listed(whileReading))
	if !evalIn[bool](b, `window.noReload === true && document.querySelector('#reading-pane article[data-testid="message"]') !== null`) {
		t.Fatal("the new mail took the message out of the pane")
	}
}
