package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/templates/pages"
)

// showOutbox handles GET /outbox: messages waiting (undo window, send
// later), queued after a temporary failure, being sent, or refused.
func (s *Server) showOutbox(c echo.Context) error {
	msgs, err := s.App.ListOutgoing(c.Request().Context(), currentSession(c))
	if err != nil {
		return err
	}
	view := pages.OutboxView{Frame: s.frame(c, "Outbox")}
	for _, m := range msgs {
		row := pages.OutboxRow{OutboxID: m.OutboxID, ComposeID: m.ComposeID, Subject: m.Subject,
			Recipients: strings.Join(m.Recipients, ", "), State: string(m.State), Label: outboxLabel(m.State),
			Answer: m.ServerAnswer, CanCancel: m.State == app.SendScheduled || m.State == app.SendQueued}
		if m.State == app.SendScheduled || m.State == app.SendQueued {
			row.When = m.DueAt.Local().Format("Mon 2 Jan 15:04")
		}
		view.Messages = append(view.Messages, row)
	}
	return render(c, http.StatusOK, pages.Outbox(view))
}

// outboxLabel is a state in words.
func outboxLabel(state app.SendState) string {
	switch state {
	case app.SendScheduled:
		return "Scheduled"
	case app.SendQueued:
		return "Queued, will be sent"
	case app.SendSending:
		return "Sending"
	case app.SendFailed:
		return "Not sent"
	}
	return string(state)
}
