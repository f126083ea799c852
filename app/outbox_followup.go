package app

import (
	"context"
	"errors"
	"time"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/store"
)

// followUp is the work after the server took a message: a copy in Sent
// (\Seen), \Answered or $Forwarded on the original, the Drafts copy
// deleted, the recipients collected for autocomplete, then the sealed
// login forgotten and the compose, its uploads and the stored message
// deleted. Until the copy in Sent is made the login is kept: the cleanup
// job (CleanUpCompose) finds a sent message still holding it and does
// the follow-up again, which is safe to repeat (the copy is looked for
// before it is appended). inSent says the copy is known to be there.
func (a *App) followUp(ctx context.Context, m store.OutboxMessage, login outboxLogin, inSent bool) {
	c, err := a.DB.Compose(ctx, m.ComposeID, m.UserID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.Logger.WarnContext(ctx, "outbox: reading the sent compose failed; follow-up later", "outbox", m.ID, "err", err)
		return
	}
	haveCompose := err == nil
	err = a.withOutboxIMAP(ctx, login, func(client *mail.Client) error {
		if m.SaveToSent && !inSent {
			if err := a.copyToSent(ctx, client, m); err != nil {
				return err
			}
		}
		if haveCompose {
			a.markOriginal(ctx, client, c)
			a.deleteDraftCopy(ctx, client, c)
		}
		return nil
	})
	if err != nil {
		a.Logger.WarnContext(ctx, "outbox: the copy in Sent failed; follow-up later", "outbox", m.ID, "err", err)
		return
	}
	a.collectRecipients(ctx, m, c, haveCompose)
	a.finishOutbox(ctx, m, haveCompose)
}

// copyToSent appends the sent message to the Sent folder, flagged \Seen,
// unless a copy with its Message-ID is there already (a follow-up done
// again after a crash, or a server that files sent mail itself).
func (a *App) copyToSent(ctx context.Context, client *mail.Client, m store.OutboxMessage) error {
	sent, err := client.SentMailbox(ctx)
	if err != nil {
		return err
	}
	if m.Attempts > 1 || time.Since(m.SentAt) > outboxLease {
		if found, err := client.HasMessageID(ctx, sent, m.MessageID); err != nil || found {
			return err
		}
	}
	raw, info, err := a.Attachments.Get(ctx, m.StoreKey)
	if err != nil {
		return err
	}
	defer raw.Close()
	_, err = client.Append(ctx, sent, []string{mail.FlagSeen}, m.SentAt, info.Size, raw)
	return err
}

// markOriginal flags the message replied to \Answered, or the one
// forwarded $Forwarded. A failure is only logged: the flag is a courtesy.
func (a *App) markOriginal(ctx context.Context, client *mail.Client, c store.Compose) {
	if c.OrigMailbox == "" || c.OrigUID == 0 {
		return
	}
	var err error
	switch c.Kind {
	case store.ComposeReply, store.ComposeReplyAll:
		err = client.MarkAnswered(ctx, c.OrigMailbox, c.OrigUID)
	case store.ComposeForward, store.ComposeForwardAttached:
		_, err = client.MarkForwarded(ctx, c.OrigMailbox, c.OrigUID)
	}
	if err != nil {
		a.Logger.WarnContext(ctx, "outbox: flagging the original message failed", "compose", c.ID, "err", err)
	}
}

// deleteDraftCopy removes the compose's copy in Drafts: the message is
// sent, so it is no draft any more. A failure leaves the draft (logged).
func (a *App) deleteDraftCopy(ctx context.Context, client *mail.Client, c store.Compose) {
	if c.DraftMailbox == "" || c.DraftUID == 0 {
		return
	}
	if err := client.Expunge(ctx, c.DraftMailbox, c.DraftUID); err != nil {
		a.Logger.WarnContext(ctx, "outbox: deleting the Drafts copy failed", "compose", c.ID, "err", err)
	}
}

// collectRecipients records the recipients for autocomplete, with the
// names the user typed when the compose is still there.
func (a *App) collectRecipients(ctx context.Context, m store.OutboxMessage, c store.Compose, haveCompose bool) {
	var addrs []store.Addr
	if haveCompose {
		for _, field := range []string{c.To, c.Cc, c.Bcc} {
			list, _ := mime.ParseRecipients("To", field)
			for _, ad := range list {
				addrs = append(addrs, store.Addr{Name: ad.Name, Email: ad.Email})
			}
		}
	}
	if len(addrs) == 0 {
		for _, email := range m.Recipients {
			addrs = append(addrs, store.Addr{Email: email})
		}
	}
	if err := a.DB.CollectRecipients(ctx, m.UserID, addrs, time.Now()); err != nil {
		a.Logger.WarnContext(ctx, "outbox: collecting recipients failed", "outbox", m.ID, "err", err)
	}
}

// finishOutbox forgets the sealed login and deletes what the sent
// message no longer needs: its compose, the uploads and their bytes, and
// the stored message. The outbox row stays a while for the result page;
// the cleanup job deletes it.
func (a *App) finishOutbox(ctx context.Context, m store.OutboxMessage, haveCompose bool) {
	if err := a.DB.ForgetOutboxCredentials(ctx, m.ID); err != nil {
		a.Logger.WarnContext(ctx, "outbox: forgetting the login failed", "outbox", m.ID, "err", err)
		return
	}
	if haveCompose {
		a.deleteComposeData(ctx, m.ComposeID, m.UserID)
	}
	a.deleteObject(ctx, m.StoreKey)
}

// deleteComposeData deletes a compose with its uploads and their stored
// bytes: rows first, bytes next, so that a crash in between leaves an
// unreferenced object (the attachment sweep's business), never a row
// pointing at missing bytes.
func (a *App) deleteComposeData(ctx context.Context, composeID string, userID int64) {
	uploads, err := a.DB.UploadsByCompose(ctx, composeID, userID)
	if err != nil {
		a.Logger.WarnContext(ctx, "outbox: listing a compose's uploads failed", "compose", composeID, "err", err)
		return
	}
	for _, u := range uploads {
		if _, err := a.DB.DeleteUpload(ctx, u.ID, userID); err != nil && !errors.Is(err, store.ErrNotFound) {
			a.Logger.WarnContext(ctx, "outbox: deleting an upload failed", "upload", u.ID, "err", err)
			continue
		}
		a.deleteObject(ctx, u.StoreKey)
	}
	if err := a.DB.DeleteCompose(ctx, composeID, userID); err != nil && !errors.Is(err, store.ErrNotFound) {
		a.Logger.WarnContext(ctx, "outbox: deleting a compose failed", "compose", composeID, "err", err)
	}
}
