package handlers_test

import (
	"context"
	"fmt"
	"net/smtp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/webmail/webmail/internal/demo"
	"github.com/webmail/webmail/mail"
)

// hasSubject reports whether mailbox holds a message whose subject
// contains part, asked over IMAP, not through the page.
func hasSubject(t *testing.T, c *mail.Client, mailbox, part string) bool {
	t.Helper()
	for _, s := range summaries(t, c, mailbox) {
		if strings.Contains(s.Subject, part) {
			return true
		}
	}
	return false
}

// uidFromPath is the UID at the end of a /mail/{mailbox}/{uid} path.
func uidFromPath(t *testing.T, path string) uint32 {
	t.Helper()
	n, err := strconv.ParseUint(path[strings.LastIndex(path, "/")+1:], 10, 32)
	if err != nil {
		t.Fatalf("no UID in %q", path)
	}
	return uint32(n)
}

// summaryByUID finds a message in mailbox over IMAP.
func summaryByUID(t *testing.T, c *mail.Client, mailbox string, uid uint32) (mail.Summary, bool) {
	t.Helper()
	for _, s := range summaries(t, c, mailbox) {
		if s.UID == uid {
			return s, true
		}
	}
	return mail.Summary{}, false
}

// waitAcrossLoads is listBrowser.until for conditions that hold only after
// a page load: a poll that a navigation interrupts is started again.
func waitAcrossLoads(b *listBrowser, what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(4*time.Second)))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waiting for %s (%s): %v", what, expr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReadingInBrowser is a person reading mail in real Chromium: log in,
// open a conversation, search, flag, move, delete, and see a new message
// arrive without reloading the page.
func TestReadingInBrowser(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	b := newListBrowser(t)

	b.signIn(f.http.URL)

	// Open a conversation from the threads view.
	// The demo's conversations are weeks old: page through to one.
	hasThread := `[...document.querySelectorAll('[data-testid="thread-count"]')].some(e => parseInt(e.textContent.replace(/\D/g, "")) > 1)`
	for page := 1; ; page++ {
		b.do(chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX?view=threads&page=%d", f.http.URL, page)))
		b.until("the threads view", `document.querySelector('[data-testid="page-info"]') !== null`)
		if evalIn[bool](b, hasThread) {
			break
		}
		if page == 10 {
			t.Fatal("no conversation on the first 10 pages of the threads view")
		}
	}
	subject := evalIn[string](b, `(() => {
		const count = [...document.querySelectorAll('[data-testid="thread-count"]')].find(e => parseInt(e.textContent.replace(/\D/g, "")) > 1);
		const link = count.closest('[data-testid="message-row"]').querySelector('[data-testid="message-link"]');
		const text = link.textContent.trim();
		link.click();
		return text;
	})()`)
	waitAcrossLoads(b, "the conversation's message", `document.querySelector('[data-testid="subject"]') !== null`)
	if got := evalIn[string](b, `document.querySelector('[data-testid="subject"]').textContent.trim()`); !strings.Contains(subject, got) && !strings.Contains(got, strings.TrimSpace(strings.Split(subject, "\n")[0])) {
		t.Fatalf("opened %q from the row %q", got, subject)
	}

	// Search from the quick box: results are a list like any other.
	b.do(chromedp.Navigate(f.http.URL + "/mail/INBOX"))
	b.until("the search box", `document.querySelector('[data-testid="search-input"]') !== null`)
	b.do(
		chromedp.SetValue(chromedp.CSS(`[data-testid="search-input"]`), "Kyoto"),
		chromedp.Submit(chromedp.CSS(`[data-testid="search-input"]`)),
	)
	waitAcrossLoads(b, "search results", `location.search.includes("q=Kyoto") && document.querySelectorAll('[data-testid="message-row"]').length > 0`)
	// Every result really mentions Kyoto somewhere (from, to, subject or
	// body), checked on the raw message from the server.
	uids := evalIn[[]string](b, `[...document.querySelectorAll('[data-testid="message-row"]')].map(r => r.dataset.uid)`)
	for _, u := range uids {
		uid, err := strconv.ParseUint(u, 10, 32)
		if err != nil {
			t.Fatalf("row uid %q", u)
		}
		raw, err := direct.FetchRaw(context.Background(), "INBOX", uint32(uid), 0)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.ToLower(string(raw)), "kyoto") {
			t.Fatalf("search result %d does not mention Kyoto", uid)
		}
	}

	// Open the result, flag it from the message page.
	b.click(`[data-testid="message-row"] [data-testid="message-link"]`)
	waitAcrossLoads(b, "the message", `document.querySelector('[data-testid="action-flag"]') !== null`)
	foundUID := uidFromPath(t, evalIn[string](b, `location.pathname`))
	b.click(`[data-testid="action-flag"]`)
	waitAcrossLoads(b, "the flag", `document.querySelector('[data-testid="action-unflag"]') !== null`)
	if s, ok := summaryByUID(t, direct, "INBOX", foundUID); !ok || !s.Flagged {
		t.Fatalf("message %d is not flagged on the server (found %v): %+v", foundUID, ok, s)
	}

	// Move it to Archive.
	b.do(chromedp.SetValue(chromedp.CSS(`[data-testid="action-target"]`), "Archive"))
	b.click(`[data-testid="action-move"]`)
	waitAcrossLoads(b, "the page after the move", `!location.pathname.endsWith("/`+strconv.Itoa(int(foundUID))+`")`)
	if _, ok := summaryByUID(t, direct, "INBOX", foundUID); ok {
		t.Fatalf("message %d is still in INBOX after the move", foundUID)
	}
	if !hasSubject(t, direct, "Archive", "Kyoto") {
		t.Fatal("the moved message is not in Archive")
	}

	// Delete another message: it goes to Trash.
	b.do(chromedp.Navigate(f.http.URL + "/mail/INBOX"))
	b.until("the list", `document.querySelectorAll('[data-testid="message-row"]').length > 0`)
	b.click(`[data-testid="message-row"] [data-testid="message-link"]`)
	waitAcrossLoads(b, "a message", `document.querySelector('[data-testid="action-delete"]') !== null`)
	doomed := uidFromPath(t, evalIn[string](b, `location.pathname`))
	doomedSubject, _ := summaryByUID(t, direct, "INBOX", doomed)
	b.click(`[data-testid="action-delete"]`)
	waitAcrossLoads(b, "the page after the delete", `!location.pathname.endsWith("/`+strconv.Itoa(int(doomed))+`")`)
	if _, ok := summaryByUID(t, direct, "INBOX", doomed); ok {
		t.Fatalf("message %d is still in INBOX after Delete", doomed)
	}
	if !hasSubject(t, direct, "Trash", doomedSubject.Subject) {
		t.Fatalf("%q is not in Trash", doomedSubject.Subject)
	}

	// New mail appears without a reload, with the unread count in the
	// tab title.
	b.do(chromedp.Navigate(f.http.URL + "/mail/INBOX"))
	b.until("the list", `document.querySelectorAll('[data-testid="message-row"]').length > 0 && document.body.dataset.inboxMessages !== undefined`)
	evalIn[bool](b, `window.noReload = true`)
	unseenBefore := evalIn[int](b, `parseInt((document.title.match(/^\((\d+)\)/) || [0, 0])[1])`)
	const newSubject = "Pushed while you watch"
	msg := fmt.Sprintf("From: Live Sender <live@example.test>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <live@example.test>\r\n\r\nHello.\r\n", demo.DefaultUser, newSubject)
	if err := smtp.SendMail(f.mail.SMTPAddr, nil, "live@example.test", []string{demo.DefaultUser}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	b.until("the new message in the list", `[...document.querySelectorAll('[data-testid="message-link"]')].some(a => a.textContent.includes(`+strconv.Quote(newSubject)+`))`)
	b.until("the unread count in the title", `parseInt((document.title.match(/^\((\d+)\)/) || [0, 0])[1]) === `+strconv.Itoa(unseenBefore+1))
	if !evalIn[bool](b, `window.noReload === true`) {
		t.Fatal("the page reloaded to show the new message")
	}
}

// TestDragToFolderInBrowser drags a message row onto a folder in the
// folder list: it moves there without a reload.
func TestDragToFolderInBrowser(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	b := newListBrowser(t)
	b.signIn(f.http.URL)
	evalIn[bool](b, `window.noReload = true`)
	uid := evalIn[string](b, `document.querySelectorAll('[data-testid="message-row"]')[2].dataset.uid`)
	archived := len(summaries(t, direct, "Archive"))
	// The same events a mouse drag makes, with one DataTransfer throughout.
	evalIn[bool](b, `(() => {
		const row = document.querySelectorAll('[data-testid="message-row"]')[2];
		const folder = document.querySelector('nav.folders a[data-testid="folder"][href="/mail/Archive"]');
		const dt = new DataTransfer();
		row.dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: dt}));
		folder.dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, dataTransfer: dt}));
		folder.dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt}));
		row.dispatchEvent(new DragEvent("dragend", {bubbles: true, dataTransfer: dt}));
		return true;
	})()`)
	b.until("the row gone from the list", `document.querySelector('tr[data-uid="`+uid+`"]') === null && !document.querySelector('[aria-busy="true"]')`)
	n, _ := strconv.ParseUint(uid, 10, 32)
	if _, ok := summaryByUID(t, direct, "INBOX", uint32(n)); ok {
		t.Fatalf("message %s is still in INBOX after the drop", uid)
	}
	if got := len(summaries(t, direct, "Archive")); got != archived+1 {
		t.Fatalf("Archive holds %d messages after the drop, want %d", got, archived+1)
	}
	if !evalIn[bool](b, `window.noReload === true`) {
		t.Fatal("the page reloaded")
	}
}
