package app

import (
	"context"
	"errors"
	"time"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// SendFields are the compose form's fields as the page showed them when
// the user pressed Send: they are saved over the compose first (the later
// save wins, as with two tabs), then sent.
type SendFields struct {
	IdentityID  int64 // 0 or not the user's: the first identity
	To, Cc, Bcc string
	Subject     string
	BodyText    string
	BodyHTML    string // "" for plain text
	Format      string // store.FormatText or store.FormatHTML (with BodyHTML)
	Priority    int    // 1 high, 0 normal, 5 low
	ReadReceipt bool
}

// SendInput is one press of Send.
type SendInput struct {
	ComposeID string
	// Fields, when not nil, are saved over the compose before it is sent;
	// nil sends the compose as saved.
	Fields *SendFields
	// SendAt is the send-later time; zero sends after the undo delay.
	SendAt time.Time
	// SendAnyway confirms the warnings a plugin gave on the last press
	// (a confirmable veto, such as a forgotten attachment).
	SendAnyway bool
}

// SendState is where a sent compose is, as the result page says it.
type SendState string

// The states of a send. SendStarting is a compose another request is
// handing to the outbox at this moment (a double click): the page says it
// is being sent and looks again.
const (
	SendStarting  SendState = "starting"
	SendScheduled SendState = "scheduled" // in the undo window, or sent later
	SendQueued    SendState = "queued"    // a temporary failure: tried again
	SendSending   SendState = "sending"
	SendSent      SendState = "sent"
	SendFailed    SendState = "failed"
	SendCancelled SendState = "cancelled"
)

// SendResult says what became of a send.
type SendResult struct {
	ComposeID  string
	OutboxID   int64
	State      SendState
	DueAt      time.Time // when a scheduled message goes (undo window end, or send-later time)
	SendLater  bool      // DueAt is a time the user chose, not the undo window
	Recipients []string
	Attempts   int
	// ServerAnswer is the mail server's last refusal (failed) or
	// temporary failure (queued), safe to show.
	ServerAnswer string
	SentAt       time.Time
}

// maxSendLater bounds how far ahead a message can be scheduled.
const maxSendLater = 366 * 24 * time.Hour

// SendCompose sends the user's compose through the outbox: it saves the
// posted fields, checks every address and header (a bad one is CodeInvalid
// naming it), builds the message once into the attachment store, seals the
// user's credentials for the instance that will send it, and enqueues it
// due after the user's undo delay or at in.SendAt. With no delay and no
// send-later time it tries the mail server at once, so the result can say
// "sent" (or "queued" after a temporary failure).
//
// A send is idempotent per compose: the compose moves from open to
// sending in one conditional update, so of two requests at once (a double
// click, a replay by a proxy) one sends and the other gets the state of
// the same outgoing message; the outbox itself is unique per compose too.
func (a *App) SendCompose(ctx context.Context, sess *session.Session, in SendInput) (SendResult, error) {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return SendResult{}, err
	}
	user := owner.user
	c, err := a.loadCompose(ctx, owner, in.ComposeID)
	if err != nil {
		return SendResult{}, err
	}
	if c.State != store.ComposeOpen {
		return a.sendStatusOf(ctx, user.ID, c.ID)
	}
	if !in.SendAt.IsZero() && (in.SendAt.After(time.Now().Add(maxSendLater))) {
		return SendResult{}, Invalid("Send later", "Choose a time within the next year to send this message.")
	}
	if in.Fields != nil {
		if c, err = a.saveBeforeSend(ctx, owner, c, *in.Fields); err != nil {
			if errors.Is(err, store.ErrComposeNotOpen) {
				return a.sendStatusOf(ctx, user.ID, c.ID)
			}
			return SendResult{}, err
		}
	}
	plan, err := a.planSend(ctx, owner, c, in.SendAnyway)
	if err != nil {
		return SendResult{}, err
	}
	won, err := a.DB.MarkComposeState(ctx, c.ID, user.ID, store.ComposeOpen, store.ComposeSending)
	if err != nil {
		return SendResult{}, sendComposeError(err)
	}
	if !won {
		return a.sendStatusOf(ctx, user.ID, c.ID)
	}
	msg, err := a.enqueueSend(ctx, sess, user, c, plan, in.SendAt)
	if err != nil {
		// Back to the user, who can send again: nothing was enqueued.
		if _, rerr := a.DB.MarkComposeState(context.WithoutCancel(ctx), c.ID, user.ID, store.ComposeSending, store.ComposeOpen); rerr != nil {
			a.Logger.WarnContext(ctx, "send failed and the compose could not be reopened", "compose", c.ID, "err", rerr)
		}
		return SendResult{}, err
	}
	if in.SendAt.IsZero() && !msg.DueAt.After(time.Now()) {
		a.sendNow(ctx, msg)
	}
	return a.sendStatusOf(ctx, user.ID, c.ID)
}

// sendComposeError is the error for a compose that cannot be read.
func sendComposeError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Code: CodeNotFound, Title: "Message not found",
			Message: "This message is no longer being written: it was sent or discarded.", Err: err}
	}
	return storeError(err)
}

// maxSendSaves bounds saveBeforeSend's tries against concurrent saves.
const maxSendSaves = 16

// saveBeforeSend writes the posted fields over the compose, cleaned as a
// save cleans them (composeFromInput: one-line headers, sanitized HTML).
// Pressing Send wins against a save from another tab just before: the
// user sends what they see, so a stale revision is saved again on top of
// the newer one.
func (a *App) saveBeforeSend(ctx context.Context, owner composeOwner, c store.Compose, f SendFields) (store.Compose, error) {
	next, err := a.composeFromInput(ctx, owner, SaveComposeInput{
		ID: c.ID, Revision: c.Revision, IdentityID: f.IdentityID, To: f.To, Cc: f.Cc, Bcc: f.Bcc,
		Subject: f.Subject, BodyText: f.BodyText, BodyHTML: f.BodyHTML, HTML: f.Format == store.FormatHTML,
		Priority: f.Priority, ReadReceipt: f.ReadReceipt,
	})
	if err != nil {
		return c, err
	}
	// Each stale revision means another request saved meanwhile, and a
	// save that wins goes on to send rather than save again: of n sends of
	// one compose at once (a double click, a retried POST), each loses at
	// most n-1 times. Three tries failed one of eight in the test under load.
	for attempt := 0; ; attempt++ {
		saved, err := a.DB.SaveCompose(ctx, next)
		switch {
		case err == nil:
			return saved, nil
		case errors.Is(err, store.ErrStaleCompose) && attempt < maxSendSaves-1:
			next.Revision = saved.Revision // the compose as stored: save again over it
		case errors.Is(err, store.ErrComposeNotOpen):
			return saved, err
		case errors.Is(err, store.ErrInvalidCompose):
			return c, Invalid("Message too long", "A field of this message is too long to be sent.")
		default:
			return c, sendComposeError(err)
		}
	}
}

// SendStatus is the state of the user's sent compose, for the result page
// (which the page shows again while a message waits, to count down).
func (a *App) SendStatus(ctx context.Context, sess *session.Session, composeID string) (SendResult, error) {
	user, err := a.userForSession(ctx, sess)
	if err != nil {
		return SendResult{}, storeError(err)
	}
	return a.sendStatusOf(ctx, user.ID, composeID)
}

// sendStatusOf reads the outgoing message of the compose. A compose that
// is being sent but has no outgoing message yet is being handed over by
// another request right now.
func (a *App) sendStatusOf(ctx context.Context, userID int64, composeID string) (SendResult, error) {
	msg, err := a.DB.OutboxByCompose(ctx, composeID, userID)
	if errors.Is(err, store.ErrNotFound) {
		c, cerr := a.DB.Compose(ctx, composeID, userID)
		if cerr == nil && c.State == store.ComposeSending {
			return SendResult{ComposeID: composeID, State: SendStarting}, nil
		}
		return SendResult{}, sendComposeError(err)
	}
	if err != nil {
		return SendResult{}, storeError(err)
	}
	return sendResultOf(msg), nil
}

// sendResultOf turns an outbox row into what the page says.
func sendResultOf(m store.OutboxMessage) SendResult {
	r := SendResult{ComposeID: m.ComposeID, OutboxID: m.ID, State: SendState(m.State), DueAt: m.DueAt,
		Recipients: m.Recipients, Attempts: m.Attempts, ServerAnswer: m.LastError, SentAt: m.SentAt}
	// The undo window is at most MaxUndoSendDelay after the row was made;
	// a due time further away was chosen by the user.
	r.SendLater = m.DueAt.Sub(m.Created) > time.Duration(store.MaxUndoSendDelay)*time.Second+time.Second
	return r
}
