package handlers_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/webmail/webmail/internal/axe"
	"github.com/webmail/webmail/mail"
)

// toastSays is the condition that the undo toast shows text, with the
// Undo button or without it.
func toastSays(text string, button bool) string {
	hasButton := "=== null"
	if button {
		hasButton = "!== null"
	}
	return `(() => {
		const t = document.querySelector('[data-testid="undo-toast"]');
		return t !== null && t.closest('[role="status"]') !== null &&
			t.querySelector(".toast-text").textContent === ` + strconv.Quote(text) + ` &&
			t.querySelector('[data-testid="toast-undo"]') ` + hasButton + `;
	})()`
}

// TestUndoInBrowser runs undo.js in Chromium against the demo mailbox: a
// move with the list's menu is undone with the toast's button, an archive
// with the e key is undone with z, an archive in the reading pane with the
// toast again, all without a reload; an archive on the message page
// offers the undo on the next page, whose z leads back to the message.
func TestUndoInBrowser(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	b := newListBrowser(t)
	b.signIn(f.http.URL)
	evalIn[bool](b, `window.noReload = true`)
	b.until("select-all to appear", `!document.getElementById("select-all").hidden`)
	listed := func(uid uint32) string {
		return `document.querySelector('tr[data-uid="` + uidString(uid) + `"]') !== null`
	}

	// The toast's Undo puts a moved message back.
	moved := summaries(t, direct, "INBOX")[0]
	b.click(`tr[data-uid="` + uidString(moved.UID) + `"] [data-testid="select"]`)
	b.do(chromedp.SetValue(chromedp.CSS(`[data-testid="move-target"]`), "Archive"))
	b.click(`[data-testid="act-move"]`)
	b.settled("Moved 1 message to Archive.")
	b.until("the toast offering the undo", toastSays("Moved 1 message to Archive.", true))
	if findCopy(t, direct, "INBOX", moved) != 0 || findCopy(t, direct, "Archive", moved) == 0 {
		t.Fatal("the move did not move")
	}
	// The toast passes axe-core in both colour schemes, on a phone too.
	// The focus on its button holds it up meanwhile, as it holds it for
	// someone reaching for it.
	evalIn[bool](b, `document.querySelector('[data-testid="toast-undo"]').focus(); document.activeElement.dataset.testid === "toast-undo"`)
	evalIn[bool](b, axe.Script()+";\ntrue")
	for _, scheme := range []string{"light", "dark"} {
		for _, width := range []int64{1440, 390} {
			b.do(emulateScheme(scheme), chromedp.EmulateViewport(width, 844))
			for _, v := range b.axe().Violations {
				if v.Severe() {
					t.Errorf("with the toast, %s at %d px: %s", scheme, width, v)
				}
			}
			if !evalIn[bool](b, `(() => { const r = document.querySelector('[data-testid="undo-toast"]').getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth; })()`) {
				t.Errorf("the toast does not fit %d px", width)
			}
		}
	}
	b.do(emulateScheme(""), chromedp.EmulateViewport(1280, 900))
	b.click(`[data-testid="toast-undo"]`)
	b.until("the toast saying it is undone", toastSays("Moved 1 message back to Inbox.", false))
	back := findCopy(t, direct, "INBOX", moved)
	if back == 0 || findCopy(t, direct, "Archive", moved) != 0 {
		t.Fatal("the undo did not move the message back")
	}
	b.until("the message back in the list", listed(back)+` && !document.querySelector('[aria-busy="true"]')`)

	// z undoes an archive done with e at the cursor.
	b.do(chromedp.KeyEvent("j"))
	archived := evalIn[string](b, `document.querySelector("tr.cursor").dataset.uid`)
	subject := evalIn[string](b, `document.querySelector('tr.cursor [data-testid="message-link"]').textContent.trim()`)
	b.do(chromedp.KeyEvent("e"))
	b.settled("Archived 1 message in Archive.")
	b.until("the toast offering the undo", toastSays("Archived 1 message in Archive.", true))
	b.until("the row gone", `!document.querySelector('tr[data-uid="`+archived+`"]')`)
	b.do(chromedp.KeyEvent("z"))
	b.until("the toast saying it is undone", toastSays("Moved 1 message back to Inbox.", false))
	b.until("the message back in the list", `[...document.querySelectorAll('[data-testid="message-link"]')].some((a) => a.textContent.trim() === `+strconv.Quote(subject)+`)`)

	// The reading pane: its Archive posts from the pane, the toast comes
	// with the next message, and its Undo puts the message back.
	b.until("the list settled", `!document.querySelector('[aria-busy="true"]')`)
	paneUID := evalIn[string](b, `document.querySelectorAll('[data-testid="message-row"]')[2].dataset.uid`)
	var inPane mail.Summary
	for _, m := range summaries(t, direct, "INBOX") {
		if uidString(m.UID) == paneUID {
			inPane = m
		}
	}
	b.click(`tr[data-uid="` + paneUID + `"] [data-testid="message-link"]`)
	b.until("the message in the pane", `document.querySelector('#reading-pane [data-testid="action-archive"]') !== null`)
	b.click(`#reading-pane [data-testid="action-archive"]`)
	b.until("the toast offering the undo", toastSays("Archived 1 message in Archive.", true))
	if findCopy(t, direct, "INBOX", inPane) != 0 {
		t.Fatal("the pane's archive did not move the message")
	}
	b.click(`[data-testid="toast-undo"]`)
	b.until("the toast saying it is undone", toastSays("Moved 1 message back to Inbox.", false))
	if back := findCopy(t, direct, "INBOX", inPane); back == 0 {
		t.Fatal("the undo did not move the message back")
	} else {
		b.until("the message back in the list", listed(back))
	}
	if !evalIn[bool](b, `window.noReload === true`) {
		t.Fatal("the page reloaded")
	}

	// An action without undo in the pane (a flag) after one with: the
	// toast no longer offers, and z no longer undoes, the older action.
	b.until("the next message in the pane", `document.querySelector('#reading-pane [data-testid="action-archive"]') !== null && !document.querySelector('[aria-busy="true"]')`)
	b.click(`#reading-pane [data-testid="action-archive"]`)
	b.until("the toast offering the undo", toastSays("Archived 1 message in Archive.", true))
	flagged := evalIn[bool](b, `document.querySelector('#reading-pane [data-testid="action-unflag"]') !== null`)
	flag, flagDone := "action-flag", "action-unflag"
	if flagged {
		flag, flagDone = flagDone, flag
	}
	b.until("the flag button in the pane", `document.querySelector('#reading-pane [data-testid="`+flag+`"]') !== null`)
	b.click(`#reading-pane [data-testid="` + flag + `"]`)
	b.until("the flag changed in the pane", `document.querySelector('#reading-pane [data-testid="`+flagDone+`"]') !== null`)
	if evalIn[bool](b, `document.querySelector('[data-testid="undo-toast"]') !== null`) {
		t.Fatal("after the pane's flag the toast still offers to undo the archive before it")
	}

	// The message page: archive (a form post), then z on the next page
	// shows the message again.
	opened := summaries(t, direct, "INBOX")[0]
	b.do(
		chromedp.Navigate(f.http.URL+"/mail/INBOX/"+uidString(opened.UID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="action-archive"]`)),
	)
	b.click(`[data-testid="action-archive"]`)
	untilLoaded(b, "the next page offering the undo", toastSays("Archived 1 message in Archive.", true)+` && !document.querySelector('[data-testid="undo-notice"]')`)
	if findCopy(t, direct, "INBOX", opened) != 0 {
		t.Fatal("the archive did not move the message")
	}
	b.do(chromedp.KeyEvent("z"))
	untilLoaded(b, "the message again", `document.querySelector('[data-testid="status"]') !== null && document.querySelector('[data-testid="status"]').textContent === "Message moved back."`)
	restored := findCopy(t, direct, "INBOX", opened)
	if restored == 0 || findCopy(t, direct, "Archive", opened) != 0 {
		t.Fatal("z did not move the message back")
	}
	if at := evalIn[string](b, `location.pathname`); at != "/mail/INBOX/"+uidString(restored) {
		t.Fatalf("after the undo the page is %s, want the message at UID %d", at, restored)
	}
}

// untilLoaded waits for a JavaScript condition to hold on the page a
// navigation under way leads to: an evaluation that meets the old page
// going away is tried again.
func untilLoaded(b *listBrowser, what, expr string) {
	b.t.Helper()
	for deadline := time.Now().Add(25 * time.Second); ; {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && (`+expr+`)`))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waiting for %s (%s): %v", what, expr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// cdpCall sends one DevTools command to the browser's tab.
func cdpCall[P, R any](t *testing.T, b *listBrowser, method cdp.Command[P, R], params P) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, method, params)
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
}

// slowFetch runs before the page's scripts: a fetch of /slow-test waits
// until the test calls window.releaseSlow(), one of /fast-test answers at
// once; everything else is the real fetch.
const slowFetch = `(() => {
  const real = window.fetch;
  window.fetch = function (input, init) {
    if (String(input).includes("/slow-test")) {
      return new Promise((done) => { window.releaseSlow = () => done(new Response("ok")); });
    }
    if (String(input).includes("/fast-test")) {
      return Promise.resolve(new Response("ok"));
    }
    return real.apply(window, arguments);
  };
})();`

// TestProgressInBrowser: a fetch or a navigation that takes long shows
// the loading bar and marks the page busy until it is answered; a fast
// fetch, or one the page makes on its own, shows nothing.
func TestProgressInBrowser(t *testing.T) {
	f := newListFixture(t)
	b := newListBrowser(t)
	err := chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: slowFetch})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	b.signIn(f.http.URL)
	active := `document.querySelector('.progress-bar.active') !== null && document.getElementById("main").getAttribute("aria-busy") === "true"`

	// Fast: count every time the bar turns on.
	evalIn[bool](b, `(() => {
		window.barShown = 0;
		new MutationObserver(() => { if (document.querySelector(".progress-bar.active")) window.barShown++; })
			.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["class"] });
		fetch("/fast-test");
		return true;
	})()`)
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[int](`new Promise((done) => setTimeout(() => done(window.barShown), 800))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if shown != 0 {
		t.Fatalf("a fast fetch showed the bar %d times", shown)
	}

	// Slow: the bar and aria-busy until the answer, then neither.
	evalIn[bool](b, `fetch("/slow-test"); true`)
	b.until("the bar", active)
	evalIn[bool](b, `window.releaseSlow(); true`)
	b.until("the bar gone", `document.querySelector('.progress-bar.active') === null && !document.getElementById("main").hasAttribute("aria-busy")`)

	// A navigation: a form post. This one the server answers with 204 No
	// Content (message.js's mark-read form), so the page stays and shows
	// what it does while a page is awaited.
	uid := evalIn[string](b, `document.querySelector('[data-testid="message-row"]').dataset.uid`)
	evalIn[bool](b, `(() => {
		const form = document.createElement("form");
		form.method = "post";
		form.action = "/mail/INBOX/`+uid+`/actions";
		for (const [name, value] of [["action", "read"], ["async", "1"], ["csrf", window.webmail.csrfToken()]]) {
			const input = document.createElement("input");
			input.type = "hidden";
			input.name = name;
			input.value = value;
			form.appendChild(input);
		}
		document.body.appendChild(form);
		form.submit();
		return true;
	})()`)
	b.until("the bar while a page is awaited", active)
	b.do(chromedp.Navigate(f.http.URL+"/mail/INBOX"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="message-list"]`)))
	if !evalIn[bool](b, `document.querySelector('.progress-bar.active') === null && !document.getElementById("main").hasAttribute("aria-busy")`) {
		t.Fatal("the bar on a freshly loaded page")
	}

	// A background fetch (events.js's) shows nothing either.
	evalIn[bool](b, `window.barShown = 0; fetch("/slow-test", { headers: { "X-Requested-With": "events" } }); true`)
	shown, err = chromedp.Run(ctx, chromedp.Evaluate[int](`new Promise((done) => setTimeout(() => done(window.barShown), 800))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if shown != 0 {
		t.Fatalf("a background fetch showed the bar %d times", shown)
	}
	evalIn[bool](b, `window.releaseSlow(); true`)
}
