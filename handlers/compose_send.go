package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// sendCompose handles POST /compose/{id}/send: the compose form's fields
// (to, cc, bcc, subject, body, body_html with format=html, identity,
// priority, read_receipt) are saved and the message is sent through the
// outbox; send_at (optional) sends it later. The answer is a redirect to
// the result page (GET /compose/{id}/send), so a reload never posts
// again; a replayed or double-clicked post sends once all the same
// (app.SendCompose). A bad address or header shows what to correct.
func (s *Server) sendCompose(c echo.Context) error {
	id := c.Param("id")
	in := app.SendInput{ComposeID: id}
	form, err := c.FormParams()
	if err != nil {
		return &UserError{Status: http.StatusBadRequest, Title: "Message not sent", Message: "The form could not be read. Please try again.", Err: err}
	}
	if hasComposeFields(form) {
		in.Fields = sendFields(form)
	}
	in.SendAnyway = form.Get("send_anyway") != "" // confirms a plugin's warning
	if raw := strings.TrimSpace(form.Get("send_at")); raw != "" {
		if in.SendAt, err = parseSendAt(raw, form.Get("tz_offset"), time.Now()); err != nil {
			return s.renderSendRefusal(c, id, app.Invalid("Send later", "Choose a date and time in the future to send this message later."))
		}
	}
	if _, err := s.App.SendCompose(c.Request().Context(), currentSession(c), in); err != nil {
		if ae := app.AsError(err); ae != nil && ae.Code == app.CodeInvalid {
			return s.renderSendRefusal(c, id, ae)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/compose/"+url.PathEscape(id)+"/send")
}

// hasComposeFields tells a post of the whole compose form from a bare
// send button, which sends the compose as saved.
func hasComposeFields(form url.Values) bool {
	for _, name := range []string{"to", "cc", "bcc", "subject", "body"} {
		if _, ok := form[name]; ok {
			return true
		}
	}
	return false
}

// sendFields reads the compose form.
func sendFields(form url.Values) *app.SendFields {
	f := &app.SendFields{
		To: form.Get("to"), Cc: form.Get("cc"), Bcc: form.Get("bcc"),
		Subject: form.Get("subject"), BodyText: form.Get("body"),
		Format: app.FormatText, Priority: parsePriority(form.Get("priority")),
	}
	if form.Get("format") == app.FormatHTML {
		f.Format, f.BodyHTML = app.FormatHTML, form.Get("body_html")
	}
	f.IdentityID, _ = strconv.ParseInt(form.Get("identity"), 10, 64)
	switch form.Get("read_receipt") {
	case "on", "1", "true", "yes":
		f.ReadReceipt = true
	}
	return f
}

// parsePriority reads the priority select: an X-Priority number 1 to 5,
// or high/normal/low.
func parsePriority(v string) int {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "high", "highest":
		return 1
	case "low", "lowest":
		return 5
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 5 {
		return 0
	}
	return n
}

// parseSendAt reads a send-later time: RFC 3339, or the value of an
// <input type="datetime-local"> ("2026-12-24T09:30") in the browser's
// time zone, which the page's script puts into tz_offset as minutes east
// of UTC (-Date.getTimezoneOffset()); without it, UTC. A time in the past
// is refused.
func parseSendAt(raw, tzOffset string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return checkFuture(t, now)
	}
	minutes, _ := strconv.Atoi(tzOffset)
	if minutes < -14*60 || minutes > 14*60 {
		minutes = 0
	}
	zone := time.FixedZone("browser", minutes*60)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, raw, zone); err == nil {
			return checkFuture(t, now)
		}
	}
	return time.Time{}, errBadSendAt
}

var errBadSendAt = &UserError{Status: http.StatusBadRequest, Title: "Send later", Message: "Choose a date and time in the future."}

func checkFuture(t, now time.Time) (time.Time, error) {
	if !t.After(now) {
		return time.Time{}, errBadSendAt
	}
	return t, nil
}

// renderSendRefusal shows why the message cannot be sent (a bad address
// names itself) with the way back to the message, which is still open.
func (s *Server) renderSendRefusal(c echo.Context, id string, e *app.Error) error {
	title, message := appErrorText(c, e)
	view := pages.ErrorView{
		Frame: s.frame(c, title), Status: http.StatusBadRequest, Title: title, Message: message,
		BackURL: "/compose/" + url.PathEscape(id),
	}
	if e.Confirmable {
		// The compose was saved before the plugin's warning: sending
		// it as saved, confirmed, is one button.
		view.ConfirmURL, view.ConfirmField, view.ConfirmLabel = "/compose/"+url.PathEscape(id)+"/send", "send_anyway", i18n.T(c.Request().Context(), "Send anyway")
	}
	return render(c, http.StatusBadRequest, pages.Error(view))
}
