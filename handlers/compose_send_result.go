package handlers

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// showSendResult handles GET /compose/{id}/send: the result page of a
// send, which says "sent", "queued, will be sent", "sending in N s" with
// Undo, "scheduled for …" with Undo, or the server's refusal. While the
// message waits the page reloads itself when it is due.
func (s *Server) showSendResult(c echo.Context) error {
	ctx := c.Request().Context()
	res, err := s.App.SendStatus(ctx, currentSession(c), c.Param("id"))
	if err != nil {
		return err
	}
	view := pages.SendResultView{
		Frame: s.frame(c, sendTitle(ctx, res.State)), ComposeID: res.ComposeID, State: string(res.State),
		Recipients: res.Recipients, Answer: i18n.T(ctx, res.ServerAnswer), SendLater: res.SendLater,
		CanUndo: res.State == app.SendScheduled || res.State == app.SendQueued,
	}
	switch res.State {
	case app.SendScheduled:
		view.Seconds = max(0, int(math.Ceil(time.Until(res.DueAt).Seconds())))
		view.When = i18n.Date(ctx, res.DueAt.In(app.DisplayPrefsOf(currentSession(c)).Location()), "{weekday} {day} {month} {year} {time} {zoneName}")
		if !res.SendLater {
			view.RefreshSeconds = view.Seconds + 1
		}
	case app.SendStarting, app.SendSending:
		view.RefreshSeconds = 1
	}
	return render(c, http.StatusOK, pages.SendResult(view))
}

// sendTitle is the result page's title.
func sendTitle(ctx context.Context, state app.SendState) string {
	switch state {
	case app.SendSent:
		return i18n.T(ctx, "Sent")
	case app.SendQueued:
		return i18n.T(ctx, "Queued")
	case app.SendFailed:
		return i18n.T(ctx, "Not sent")
	}
	return i18n.T(ctx, "Sending…")
}
