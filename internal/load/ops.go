package load

import (
	"context"
	"fmt"
	"net/url"

	"github.com/emersion/go-imap/v2"
)

// Operation is one thing a user does, as the driver repeats it.
type Operation struct {
	Name string
	// What is a short description for the report.
	What string
	// Setup prepares a worker before the clock starts (a login, an open
	// IMAP connection); nil for none.
	Setup func(ctx context.Context, w *worker) error
	// Do runs the operation once.
	Do func(ctx context.Context, w *worker) error
}

// Ops are the operations the driver knows, in report order: the
// webmail's, then the raw IMAP floor.
func Ops() []Operation {
	return []Operation{
		{Name: "login", What: "login cycle: form, sign in, first page, sign out", Do: loginCycle},
		{Name: "list", What: "list page, 50 newest messages", Setup: logIn, Do: listPage},
		{Name: "view", What: "message view: page and body document", Setup: logIn, Do: messageView},
		{Name: "view-html", What: "message view of an HTML newsletter (multipart/alternative: the HTML part sanitized, remote images blocked): page and body document", Setup: logIn, Do: htmlMessageView},
		{Name: "pane", What: "message in the reading pane (a click in the list on a wide screen): the fragment and body document", Setup: logIn, Do: paneView},
		{Name: "search", What: "search INBOX for two words (one message matches)", Setup: logIn, Do: search},
		{Name: "send", What: "send: a new compose's page, then sending it to oneself (queued in the outbox; the SMTP hand-off follows after the undo delay)", Setup: logIn, Do: sendMessage},
		{Name: "imap-fetch-50", What: "IMAP floor: FETCH of the list's 50 rows on an open connection", Setup: openIMAP, Do: fetchRows},
		{Name: "imap-fetch-message", What: "IMAP floor: FETCH of a whole message on an open connection", Setup: openIMAP, Do: fetchMessage},
		{Name: "imap-login-fetch", What: "IMAP floor: connect, LOGIN, SELECT, FETCH 50 rows, LOGOUT", Do: loginFetch},
	}
}

func logIn(ctx context.Context, w *worker) error {
	w.web = newWebClient(w.cfg.Timeout)
	_, err := w.signIn(ctx)
	return err
}

// loginCycle is a user arriving: the form, the sign-in (which lands on
// the first page), then signing out.
func loginCycle(ctx context.Context, w *worker) error {
	w.web = newWebClient(w.cfg.Timeout)
	defer w.web.CloseIdleConnections()
	page, err := w.signIn(ctx)
	if err != nil {
		return err
	}
	token, err := csrfToken(page, "/logout")
	if err != nil {
		return err
	}
	_, err = w.post(ctx, "/logout", url.Values{"csrf": {token}})
	return err
}

func listPage(ctx context.Context, w *worker) error {
	_, err := w.get(ctx, "/mail/INBOX")
	return err
}

// messageView is opening a message: the page, then the sandboxed body
// document the page embeds.
func messageView(ctx context.Context, w *worker) error {
	return openMessage(ctx, w, w.viewUID(w.uids), "")
}

// htmlCriteria finds the HTML messages view-html opens: those whose
// Content-Type is multipart/alternative.
func htmlCriteria() *imap.SearchCriteria {
	return &imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Content-Type", Value: "multipart/alternative"}}}
}

// htmlMessageView is messageView of an HTML message: the body document
// is the sanitized HTML part.
func htmlMessageView(ctx context.Context, w *worker) error {
	return openMessage(ctx, w, w.viewUID(w.htmlUIDs), "")
}

// paneView is opening a message in the list's reading pane, as
// list_pane.js does: the message fragment (X-Webmail-Fragment: pane),
// then its body document.
func paneView(ctx context.Context, w *worker) error {
	return openMessage(ctx, w, w.viewUID(w.uids), "pane")
}

// openMessage gets message uid's page (as fragment asks: "" for the whole
// page), then its body document.
func openMessage(ctx context.Context, w *worker, uid uint32, fragment string) error {
	if _, err := w.getAs(ctx, fmt.Sprintf("/mail/INBOX/%d", uid), fragment); err != nil {
		return err
	}
	_, err := w.get(ctx, fmt.Sprintf("/mail/INBOX/%d/body", uid))
	return err
}

// search looks for one message by two words of its text; a different one
// each time, so no answer is served from a cache.
func search(ctx context.Context, w *worker) error {
	n := 1 + w.rand.IntN(max(len(w.uids), 1))
	q := url.Values{"mailbox": {"INBOX"}, "run": {"1"}, "q": {fmt.Sprintf("message %d", n)}}
	_, err := w.get(ctx, "/search?"+q.Encode())
	return err
}
