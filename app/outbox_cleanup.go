package app

import (
	"context"
	"errors"
	"time"

	"github.com/webmail/webmail/store"
)

// What the cleanup job keeps, and for how long.
const (
	defaultComposeTTL = 7 * 24 * time.Hour
	// keepSentRow is how long the row of a sent message stays, for its
	// result page.
	keepSentRow = 10 * time.Minute
	// followUpGrace is how long after sending the follow-up belongs to
	// the instance that sent; after it the cleanup job redoes it.
	followUpGrace = 2 * time.Minute
	// giveUpFollowUp is how long the job retries a follow-up (the copy in
	// Sent) before it lets it go.
	giveUpFollowUp = 24 * time.Hour
	cleanupBatch   = 500
)

// CleanUpCompose is the cluster job for what writing mail leaves behind
// (cmd/webmail registers it with the leased runner): composes never sent
// and not changed for ComposeTTL, with their uploads and stored bytes;
// uploads whose compose is gone; and finished outgoing messages (sent,
// cancelled, or refused and the notice dismissed) with their stored
// message. A sent message whose follow-up never finished (its instance
// died after the server took it) gets its follow-up here.
func (a *App) CleanUpCompose(ctx context.Context) error {
	now := time.Now()
	errOutbox := a.cleanUpOutbox(ctx, now)
	errComposes := a.cleanUpComposes(ctx, now.Add(-a.ComposeTTL))
	errUploads := a.cleanUpUploads(ctx, now.Add(-a.ComposeTTL))
	return errors.Join(errOutbox, errComposes, errUploads)
}

// cleanUpOutbox finishes and deletes finished outgoing messages.
func (a *App) cleanUpOutbox(ctx context.Context, now time.Time) error {
	msgs, err := a.DB.FinishedOutbox(ctx, now.Add(-followUpGrace), cleanupBatch)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		switch {
		case m.State == store.OutboxSent && len(m.SealedCredentials) > 0 && now.Sub(m.SentAt) < giveUpFollowUp:
			a.redoFollowUp(ctx, m)
		case m.State == store.OutboxSent && len(m.SealedCredentials) > 0:
			a.Logger.WarnContext(ctx, "cleanup: giving up the follow-up of a sent message (no copy in Sent)", "outbox", m.ID)
			a.finishOutbox(ctx, m, true)
		case m.State == store.OutboxSent && now.Sub(m.SentAt) < keepSentRow:
			// Kept a while for its result page.
		default:
			a.deleteObject(ctx, m.StoreKey)
			if err := a.DB.DeleteOutbox(ctx, m.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// redoFollowUp does the follow-up of a sent message whose instance did
// not finish it.
func (a *App) redoFollowUp(ctx context.Context, m store.OutboxMessage) {
	login, err := a.openOutboxLogin(m)
	if err != nil {
		a.Logger.WarnContext(ctx, "cleanup: the login of a sent message cannot be opened; no copy in Sent", "outbox", m.ID, "err", err)
		a.finishOutbox(ctx, m, true)
		return
	}
	a.followUp(ctx, m, login, false)
}

// cleanUpComposes deletes composes not changed since before, with their
// uploads. Their Drafts copies stay: they are the user's drafts.
func (a *App) cleanUpComposes(ctx context.Context, before time.Time) error {
	composes, err := a.DB.ComposesOlderThan(ctx, before, cleanupBatch)
	if err != nil {
		return err
	}
	for _, c := range composes {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.deleteComposeData(ctx, c.ID, c.UserID)
	}
	if len(composes) > 0 {
		a.Logger.InfoContext(ctx, "cleanup: old composes deleted", "count", len(composes))
	}
	return nil
}

// cleanUpUploads deletes uploads whose compose is gone or old, rows
// first, then bytes.
func (a *App) cleanUpUploads(ctx context.Context, before time.Time) error {
	uploads, err := a.DB.StaleUploads(ctx, before, cleanupBatch)
	if err != nil {
		return err
	}
	for _, u := range uploads {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := a.DB.DeleteUpload(ctx, u.ID, u.UserID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		a.deleteObject(ctx, u.StoreKey)
	}
	return nil
}
