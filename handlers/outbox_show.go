package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// showOutbox handles GET /outbox: messages waiting (undo window, send
// later), queued after a temporary failure, being sent, or refused.
func (s *Server) showOutbox(c echo.Context) error {
	ctx := c.Request().Context()
	msgs, err := s.App.ListOutgoing(ctx, currentSession(c))
	if err != nil {
		return err
	}
	view := pages.OutboxView{Frame: s.frame(c, "Outbox")}
	zone := app.DisplayPrefsOf(currentSession(c)).Location()
	for _, m := range msgs {
		row := pages.OutboxRow{OutboxID: m.OutboxID, ComposeID: m.ComposeID, Subject: m.Subject,
			Recipients: strings.Join(m.Recipients, ", "), State: string(m.State), Label: outboxLabel(ctx, m.State),
			Answer: i18n.T(ctx, m.ServerAnswer), CanCancel: m.State == app.SendScheduled || m.State == app.SendQueued}
		if m.State == app.SendScheduled || m.State == app.SendQueued {
			row.When = i18n.Date(ctx, m.DueAt.In(zone), "{weekday} {day} {month} {time}")
		}
		view.Messages = append(view.Messages, row)
	}
	return render(c, http.StatusOK, pages.Outbox(view))
}

// outboxLabel is a state in words.
func outboxLabel(ctx context.Context, state app.SendState) string {
	switch state {
	case app.SendScheduled:
		return i18n.T(ctx, "Scheduled")
	case app.SendQueued:
		return i18n.T(ctx, "Queued, will be sent")
	case app.SendSending:
		return i18n.T(ctx, "Sending")
	case app.SendFailed:
		return i18n.T(ctx, "Not sent")
	}
	return string(state)
}
