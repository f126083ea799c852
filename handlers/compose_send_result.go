package handlers

import (
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/templates/pages"
)

// showSendResult handles GET /compose/{id}/send: the result page of a
// send, which says "sent", "queued, will be sent", "sending in N s" with
// Undo, "scheduled for …" with Undo, or the server's refusal. While the
// message waits the page reloads itself when it is due.
func (s *Server) showSendResult(c echo.Context) error {
	res, err := s.App.SendStatus(c.Request().Context(), currentSession(c), c.Param("id"))
	if err != nil {
		return err
	}
	view := pages.SendResultView{
		Frame: s.frame(c, sendTitle(res.State)), ComposeID: res.ComposeID, State: string(res.State),
		Recipients: res.Recipients, Answer: res.ServerAnswer, SendLater: res.SendLater,
		CanUndo: res.State == app.SendScheduled || res.State == app.SendQueued,
	}
	switch res.State {
	case app.SendScheduled:
		view.Seconds = max(0, int(math.Ceil(time.Until(res.DueAt).Seconds())))
		view.When = res.DueAt.Local().Format("Mon 2 Jan 2006 15:04 MST")
		if !res.SendLater {
			view.RefreshSeconds = view.Seconds + 1
		}
	case app.SendStarting, app.SendSending:
		view.RefreshSeconds = 1
	}
	return render(c, http.StatusOK, pages.SendResult(view))
}

// sendTitle is the result page's title.
func sendTitle(state app.SendState) string {
	switch state {
	case app.SendSent:
		return "Sent"
	case app.SendQueued:
		return "Queued"
	case app.SendFailed:
		return "Not sent"
	}
	return strings.ToUpper(string(state[:1])) + string(state[1:])
}
