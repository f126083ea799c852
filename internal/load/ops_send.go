package load

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// sendMessage writes and sends a short message to the user's own address:
// a new compose (its page), then the send, which ends on the result page.
// What is timed is the queueing into the outbox: with the user's undo
// delay the SMTP hand-off happens later, outside the operation (its CPU
// falls in whatever cell runs then). The messages arrive in the users'
// INBOXes, so send runs after the reading operations.
func sendMessage(ctx context.Context, w *worker) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.cfg.BaseURL+"/compose", nil)
	if err != nil {
		return err
	}
	page, path, err := w.doAt(req)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(path, "/compose/") {
		return fmt.Errorf("load: a new compose landed on %s", path)
	}
	token, err := csrfToken(page, path)
	if err != nil {
		return err
	}
	revision, err := formField(page, path, "revision")
	if err != nil {
		return err
	}
	form := url.Values{"csrf": {token}, "revision": {revision}, "to": {w.user.Email}, "cc": {""}, "bcc": {""},
		"subject": {fmt.Sprintf("Load driver message %d from worker %d", w.iteration, w.index)},
		"body":    {"A short message sent by the load driver."}, "identity": {""}, "priority": {"normal"}}
	_, err = w.post(ctx, path+"/send", form)
	return err
}
