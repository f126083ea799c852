package handlers_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/emersion/go-imap/v2"
)

// cspWatch runs in every document before its own scripts, outside the
// page's CSP, and records the policy violations the page causes: the
// app's pages must need no inline script or style.
const cspWatch = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});`

// chromium starts Debian's Chromium for one test, signed in to the
// fixture's app as its user.
func (f *msgFixture) chromium(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox, chromedp.WindowSize(1200, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch})
		return err
	}))
	if err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(f.http.URL+"/login"),
		chromedp.SendKeys(`input[name="username"]`, f.email),
		chromedp.SendKeys(`input[name="password"]`, f.password),
		chromedp.Submit(`input[name="password"]`),
		chromedp.WaitVisible(`[data-testid="folders"]`),
	)
	if err != nil {
		t.Fatalf("signing in with Chromium: %v", err)
	}
	return ctx
}

// run runs browser steps with a bound on their time, failing the test on
// an error.
func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestMessageKeyboard drives message.js in real Chromium: the help
// overlay (?, Escape), j/k between messages, f to flag, u back to the
// list; and the app's pages cause no CSP violation.
func TestMessageKeyboard(t *testing.T) {
	f := newMsgFixture(t)
	u := f.appendMessages(t, "INBOX", plainEML(1), plainEML(2), plainEML(3))
	ctx := f.chromium(t)
	msg := func(uid uint32) string { return fmt.Sprintf("%s/mail/INBOX/%d", f.http.URL, uid) }
	// waitAt waits for the navigation a key started. Polling in the page
	// would fail while the old document goes away, so it asks from here.
	waitAt := func(want string) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			loc, err := chromedp.Run(ctx, chromedp.Location())
			if err == nil && loc == want {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("still at %q (%v), want %q", loc, err, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
		run(t, ctx, "page ready", chromedp.WaitVisible(`[data-testid="folders"]`))
	}

	run(t, ctx, "open a message", chromedp.Navigate(msg(u[1])), chromedp.WaitVisible(`[data-testid="subject"]`))
	run(t, ctx, "? opens the help",
		chromedp.KeyEvent("?"),
		chromedp.Poll[chromedp.Void](`document.querySelector('details[data-testid="shortcuts"]').open`))
	run(t, ctx, "Escape closes it",
		chromedp.KeyEvent("\x1b"),
		chromedp.Poll[chromedp.Void](`!document.querySelector('details[data-testid="shortcuts"]').open`))

	run(t, ctx, "j: older message", chromedp.KeyEvent("j"))
	waitAt(msg(u[0]))
	run(t, ctx, "k: newer message", chromedp.KeyEvent("k"))
	waitAt(msg(u[1]))
	run(t, ctx, "k again", chromedp.KeyEvent("k"))
	waitAt(msg(u[2]))

	run(t, ctx, "f: flag", chromedp.KeyEvent("f"))
	waitAt(msg(u[2]) + "?done=flagged")
	run(t, ctx, "the flag shows", chromedp.WaitVisible(`[data-testid="action-unflag"]`))
	if flagged := f.uids(t, "INBOX", &imap.SearchCriteria{Flag: []imap.Flag{imap.FlagFlagged}}); !slices.Equal(flagged, []uint32{u[2]}) {
		t.Errorf("flagged after f: %v", flagged)
	}

	// Keys typed into a form field are not shortcuts.
	run(t, ctx, "open the more menu", chromedp.Click(`details[data-testid="more"] > summary`), chromedp.WaitVisible(`select[name="target"]`))
	run(t, ctx, "typing in the folder menu", chromedp.Focus(`select[name="target"]`), chromedp.KeyEvent("u"))
	if loc := location(t, ctx); !strings.HasPrefix(loc, msg(u[2])) {
		t.Fatalf("a key in a form field navigated to %s", loc)
	}
	run(t, ctx, "blur", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	run(t, ctx, "u: back to the list", chromedp.KeyEvent("u"))
	waitAt(f.http.URL + "/mail/INBOX")

	for _, path := range []string{fmt.Sprintf("/mail/INBOX/%d", u[0]), "/folders", fmt.Sprintf("/mail/INBOX/%d/source", u[0])} {
		run(t, ctx, "open "+path, chromedp.Navigate(f.http.URL+path), chromedp.WaitReady(`body`))
		violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__cspViolations === undefined ? ["the CSP watch did not run"] : window.__cspViolations`))
		if err != nil {
			t.Fatal(err)
		}
		if len(violations) > 0 {
			t.Errorf("%s: CSP violations %q", path, violations)
		}
	}
}

// TestMarkReadDelay: with the user's setting "mark read after 1 s" the
// message stays unread on opening, and message.js marks it read (POST with
// the CSRF token) while the page stays open.
func TestMarkReadDelay(t *testing.T) {
	f := newMsgFixture(t)
	uid := f.appendMessages(t, "INBOX", plainEML(1))[0]
	user, err := f.db.UserByEmail(context.Background(), f.email)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetPref(context.Background(), user.ID, "mark_read_delay", "1"); err != nil {
		t.Fatal(err)
	}
	seen := func() bool {
		return len(f.uids(t, "INBOX", &imap.SearchCriteria{Flag: []imap.Flag{imap.FlagSeen}})) == 1
	}
	// Without JavaScript the page leaves the message unread.
	resp, doc := f.page(t, fmt.Sprintf("/mail/INBOX/%d", uid))
	if resp.StatusCode != 200 || seen() {
		t.Fatalf("opened with a delay: %d, seen=%v", resp.StatusCode, seen())
	}
	if after, _ := doc.Find(`article[data-testid="message"]`).Attr("data-mark-read-after"); after != "1" {
		t.Fatalf("data-mark-read-after %q", after)
	}
	ctx := f.chromium(t)
	run(t, ctx, "open the message", chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", f.http.URL, uid)), chromedp.WaitVisible(`[data-testid="subject"]`))
	deadline := time.Now().Add(15 * time.Second)
	for !seen() {
		if time.Now().After(deadline) {
			t.Fatal("message.js did not mark the message read")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
