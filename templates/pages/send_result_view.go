package pages

import "github.com/webmail/webmail/templates/layout"

// SendResultView is the page a send ends on (GET /compose/{id}/send):
// sent, queued, waiting in the undo window or until a chosen time, or
// refused.
type SendResultView struct {
	Frame      layout.Frame
	ComposeID  string
	State      string // an app.SendState
	Recipients []string
	// Seconds is how long until a waiting message goes; the page reloads
	// itself then (RefreshSeconds) to show the outcome.
	Seconds        int
	RefreshSeconds int    // 0: no reload
	When           string // the send-later time, formatted, for scheduled sends
	SendLater      bool
	Answer         string // the server's answer (queued: temporary; failed: refusal)
	CanUndo        bool
}

// OutboxView is the outbox page (/outbox): messages waiting, queued or
// refused.
type OutboxView struct {
	Frame    layout.Frame
	Messages []OutboxRow
}

// OutboxRow is one message on the outbox page.
type OutboxRow struct {
	OutboxID   int64
	ComposeID  string
	Subject    string
	Recipients string
	State      string // an app.SendState
	Label      string // the state in words
	When       string // due time, formatted
	Answer     string
	CanCancel  bool
}
