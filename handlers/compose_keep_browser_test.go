package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestComposeKeptInBrowser: while saving is unavailable (every save and
// the leaving page's beacon fail, as with the session store down or no
// connection), what the user typed is kept in the browser; the next load
// of that compose puts it back, says so, and saves it, after which the
// browser's copy is gone.
func TestComposeKeptInBrowser(t *testing.T) {
	f := newFixture(t)
	b := newListBrowser(t)
	b.signIn(f.http.URL)
	b.do(chromedp.Navigate(f.http.URL+"/compose"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="send"]`)))
	composeURL := evalIn[string](b, `location.href`)
	saveURL := evalIn[string](b, `document.getElementById("compose-form").dataset.saveUrl`)
	key := "webmail-compose:" + saveURL

	// Saving becomes unavailable: every request the page makes fails.
	evalIn[bool](b, `(function () {
		window.fetch = function () { return Promise.reject(new Error("unavailable")); };
		navigator.sendBeacon = function () { return false; };
		return true;
	})()`)
	subject := "Kept while saving was down " + time.Now().Format("150405.000")
	b.do(chromedp.SendKeys(chromedp.CSS(`#compose-subject`), subject))
	waitAcrossLoads(b, "the browser's copy", `(localStorage.getItem(`+jsString(key)+`) || "").indexOf(`+jsString(subject)+`) >= 0`)

	// The next load of this compose: the server never got the subject.
	b.do(chromedp.Navigate(composeURL), chromedp.WaitVisible(chromedp.CSS(`[data-testid="send"]`)))
	if got := evalIn[string](b, `document.querySelector('#compose-subject').value`); got != subject {
		t.Fatalf("after reloading, the subject is %q, want the kept %q", got, subject)
	}
	if banner := evalIn[string](b, `(function(){ var e = document.querySelector(".compose-banner"); return e && !e.hidden ? e.textContent : ""; })()`); !strings.Contains(banner, "kept in this browser") {
		t.Errorf("after reloading, the banner says %q, want it to say the text was kept in this browser", banner)
	}
	// Saving works again: the copy is saved and the browser's dropped.
	waitAcrossLoads(b, "the browser's copy dropped after a save", `localStorage.getItem(`+jsString(key)+`) === null`)
	b.do(chromedp.Navigate(composeURL), chromedp.WaitVisible(chromedp.CSS(`[data-testid="send"]`)))
	if got := evalIn[string](b, `document.querySelector('#compose-subject').value`); got != subject {
		t.Fatalf("after the save, the server's subject is %q, want %q", got, subject)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
