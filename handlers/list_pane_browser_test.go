package handlers_test

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReadingPaneInBrowser opens messages in the reading pane at desktop
// width: a click shows the message beside the list without a page load
// (a window variable survives), the address bar names the message, the
// row is shown read as the server has it, j opens the next one, the back
// button returns to the previous message and then to the list, and a
// reload of the message URL is the full message page.
func TestReadingPaneInBrowser(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	b := newListBrowser(t)
	b.do(chromedp.EmulateViewport(1440, 900))
	b.signIn(f.http.URL)
	evalIn[bool](b, `window.noReload = true`)
	b.until("the pane beside the list", `(() => {
		const pane = document.getElementById("reading-pane"), list = document.querySelector(".list-col");
		return !pane.hidden && pane.getBoundingClientRect().left >= list.getBoundingClientRect().right && pane.getBoundingClientRect().width > 400;
	})()`)

	unread := evalIn[string](b, `(document.querySelector('tr.unread[data-testid="message-row"]') || {dataset: {}}).dataset.uid || ""`)
	if unread == "" {
		t.Fatal("no unread message on the first page of the demo inbox")
	}
	uid, _ := strconv.ParseUint(unread, 10, 32)
	row := `tr[data-uid="` + unread + `"]`
	subject := evalIn[string](b, `document.querySelector('`+row+` [data-testid="message-link"]').textContent.trim()`)
	b.click(row + ` [data-testid="message-link"]`)
	b.until("the message in the pane", `document.querySelector('#reading-pane article[data-testid="message"] [data-testid="subject"]') !== null`)
	if got := evalIn[string](b, `document.querySelector('#reading-pane [data-testid="subject"]').textContent.trim()`); got != subject {
		t.Errorf("pane shows %q, the row was %q", got, subject)
	}
	if !evalIn[bool](b, `window.noReload === true && document.querySelector('[data-testid="message-list"]') !== null`) {
		t.Fatal("opening the row loaded another page")
	}
	if got := evalIn[string](b, `location.pathname`); got != "/mail/INBOX/"+unread {
		t.Errorf("address bar %q after opening message %s", got, unread)
	}
	b.until("the row shown as read and open", `!document.querySelector('`+row+`').classList.contains("unread") && document.querySelector('`+row+`').classList.contains("open")`)
	if s, ok := summaryByUID(t, direct, "INBOX", uint32(uid)); !ok || !s.Seen {
		t.Errorf("message %s not read on the server after opening it in the pane: %+v", unread, s)
	}

	// j opens the next message while reading.
	b.do(chromedp.KeyEvent("j"))
	b.until("the next message in the pane", `location.pathname !== "/mail/INBOX/`+unread+`" && document.querySelector("tr.open") !== null && document.querySelector("tr.open").dataset.uid !== "`+unread+`" && document.querySelector('#reading-pane [data-testid="subject"]').textContent.trim() === document.querySelector('tr.open [data-testid="message-link"]').textContent.trim()`)
	next := evalIn[string](b, `location.pathname`)

	// The message's own actions work in the pane and stay there: flagging
	// shows the flag in the pane and, after the list's refresh, on the row.
	b.click(`#reading-pane [data-testid="action-flag"]`)
	b.until("the flag in the pane and on the row", `document.querySelector('#reading-pane [data-testid="action-unflag"]') !== null && document.querySelector('tr.open [data-testid="mark-flagged"]') !== null && location.pathname === `+strconv.Quote(next))
	if !evalIn[bool](b, `window.noReload === true`) {
		t.Fatal("flagging in the pane loaded another page")
	}
	if s, ok := summaryByUID(t, direct, "INBOX", uidFromPath(t, next)); !ok || !s.Flagged {
		t.Errorf("%s not flagged on the server: %+v", next, s)
	}

	// A link in the pane to another view of the message (its
	// conversation) opens in the pane too.
	b.click(`#reading-pane [data-testid="conversation-toggle"]`)
	b.until("the conversation view in the pane", `location.pathname + location.search === `+strconv.Quote(next+"?thread=1")+` && document.querySelector('#reading-pane article[data-testid="message"]') !== null && document.querySelector('[data-testid="message-list"]') !== null`)
	if !evalIn[bool](b, `window.noReload === true`) {
		t.Fatal("the conversation link loaded another page")
	}
	b.do(chromedp.NavigateBack())
	b.until("the message again", `location.pathname + location.search === `+strconv.Quote(next))

	// Back: the first message again (the flag's answer replaced, not
	// added, a history entry), then the list.
	b.do(chromedp.NavigateBack())
	b.until("the first message back in the pane", `location.pathname === "/mail/INBOX/`+unread+`" && document.querySelector('#reading-pane [data-testid="subject"]') !== null && document.querySelector('#reading-pane [data-testid="subject"]').textContent.trim() === `+strconv.Quote(subject))
	b.do(chromedp.NavigateBack())
	b.until("the list with an empty pane", `location.pathname === "/mail/INBOX" && document.querySelector('#reading-pane [data-testid="pane-empty"]') !== null && document.querySelector("tr.open") === null`)
	if !evalIn[bool](b, `window.noReload === true`) {
		t.Fatal("the back button reloaded the page")
	}

	// "Back to list" in the pane closes it, going back in the history
	// rather than adding an entry.
	b.click(`tr[data-uid="` + unread + `"] [data-testid="message-link"]`)
	b.until("the message in the pane again", `document.querySelector('#reading-pane [data-testid="back"]') !== null`)
	b.click(`#reading-pane [data-testid="back"]`)
	b.until("the pane closed", `location.pathname === "/mail/INBOX" && document.querySelector('#reading-pane [data-testid="pane-empty"]') !== null && window.noReload === true`)
	// Gone back: the message is the entry ahead (a new entry would have
	// dropped it).
	if !evalIn[bool](b, `window.navigation.canGoForward`) {
		t.Error("Back to list added a history entry instead of going back")
	}

	// # on the row open in the pane deletes it: the pane closes with it.
	b.click(`tr[data-uid="` + unread + `"] [data-testid="message-link"]`)
	b.until("the message in the pane again", `document.querySelector('#reading-pane [data-testid="back"]') !== null && document.querySelector('tr[data-uid="`+unread+`"]').classList.contains("open")`)
	b.do(chromedp.KeyEvent("#"))
	b.until("the row and the pane gone", `document.querySelector('tr[data-uid="`+unread+`"]') === null && document.querySelector('#reading-pane [data-testid="pane-empty"]') !== null && location.pathname === "/mail/INBOX"`)

	// The message URL stands on its own: a reload is the message page.
	b.do(chromedp.Navigate(f.http.URL + next))
	b.until("the full message page", `document.querySelector('main article[data-testid="message"]') !== null && document.querySelector('[data-testid="message-list"]') === null && document.querySelector("nav.folders") !== null`)
	if evalIn[bool](b, `window.noReload === true`) {
		t.Fatal("the reload kept the list page's state")
	}
}

// TestReadingPaneMarkReadDelayInBrowser: with a mark-read delay, a
// message opened in the pane stays unread until the delay has passed;
// then message.js marks it read and the row says so, without a reload.
func TestReadingPaneMarkReadDelayInBrowser(t *testing.T) {
	f := newListFixture(t)
	f.saveSettings(t, "mark_read", "delay", "mark_read_delay", "1")
	direct := f.mailClient(t)
	b := newListBrowser(t)
	b.do(chromedp.EmulateViewport(1440, 900))
	b.signIn(f.http.URL)
	evalIn[bool](b, `window.noReload = true`)
	unread := evalIn[string](b, `(document.querySelector('tr.unread[data-testid="message-row"]') || {dataset: {}}).dataset.uid || ""`)
	if unread == "" {
		t.Fatal("no unread message on the first page of the demo inbox")
	}
	row := `tr[data-uid="` + unread + `"]`
	b.click(row + ` [data-testid="message-link"]`)
	b.until("the message in the pane, still unread", `document.querySelector('#reading-pane article[data-mark-read-url]') !== null && document.querySelector('`+row+`').classList.contains("unread")`)
	b.until("the row marked read after the delay", `!document.querySelector('`+row+`').classList.contains("unread")`)
	uid, _ := strconv.ParseUint(unread, 10, 32)
	if s, ok := summaryByUID(t, direct, "INBOX", uint32(uid)); !ok || !s.Seen {
		t.Errorf("message %s not read on the server: %+v", unread, s)
	}
	if !evalIn[bool](b, `window.noReload === true`) {
		t.Fatal("the page reloaded")
	}
}
