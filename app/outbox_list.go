package app

import (
	"context"
	"errors"
	"time"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// OutgoingMessage is one message on the outbox page or in a notice.
type OutgoingMessage struct {
	SendResult
	Subject string // from the compose, "" when it is gone
}

// ListOutgoing lists the user's messages not sent yet (scheduled, queued,
// being sent) and those refused for good, oldest first, for the outbox
// page.
func (a *App) ListOutgoing(ctx context.Context, sess *session.Session) ([]OutgoingMessage, error) {
	user, err := a.userForSession(ctx, sess)
	if err != nil {
		return nil, storeError(err)
	}
	msgs, err := a.DB.ListOutbox(ctx, user.ID)
	if err != nil {
		return nil, storeError(err)
	}
	return a.outgoingMessages(ctx, user.ID, msgs), nil
}

// SendNotices lists the user's messages refused for good whose notice the
// user has not dismissed, for the banner on the mail pages. A failure to
// read them shows no banner (logged): it must never break a page.
func (a *App) SendNotices(ctx context.Context, sess *session.Session) []OutgoingMessage {
	now := time.Now()
	if msgs, ok := a.notices.get(sess.User, now); ok {
		return msgs
	}
	msgs := a.readSendNotices(ctx, sess)
	a.notices.put(sess.User, msgs, now)
	return msgs
}

// readSendNotices reads the notices SendNotices caches.
func (a *App) readSendNotices(ctx context.Context, sess *session.Session) []OutgoingMessage {
	user, err := a.DB.UserByEmail(ctx, sess.User)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			a.Logger.WarnContext(ctx, "reading send notices failed", "err", err)
		}
		return nil
	}
	msgs, err := a.DB.OutboxNoticesFromReplica(ctx, user.ID)
	if err != nil {
		a.Logger.WarnContext(ctx, "reading send notices failed", "err", err)
		return nil
	}
	return a.outgoingMessages(ctx, user.ID, msgs)
}

// DismissSendNotice records that the user has read the notice of a
// refused message; the message stays on the outbox page until the cleanup
// job removes it.
func (a *App) DismissSendNotice(ctx context.Context, sess *session.Session, outboxID int64) error {
	user, err := a.userForSession(ctx, sess)
	if err != nil {
		return storeError(err)
	}
	if err := a.DB.AcknowledgeOutboxNotice(ctx, outboxID, user.ID); err != nil {
		return sendComposeError(err)
	}
	a.notices.forget(sess.User)
	return nil
}

// outgoingMessages adds each message's subject from its compose.
func (a *App) outgoingMessages(ctx context.Context, userID int64, msgs []store.OutboxMessage) []OutgoingMessage {
	out := make([]OutgoingMessage, 0, len(msgs))
	for _, m := range msgs {
		o := OutgoingMessage{SendResult: sendResultOf(m)}
		if c, err := a.DB.Compose(ctx, m.ComposeID, userID); err == nil {
			o.Subject = c.Subject
		}
		out = append(out, o)
	}
	return out
}
