package app

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/store"
)

// sendPlan is a compose turned into the message to build, checked.
type sendPlan struct {
	message mime.Outgoing
	delay   time.Duration // the user's undo-send delay
}

// planSend makes the message of the compose (composeMessage, as for the
// Drafts copy but without Bcc in the header and with the identity's Bcc)
// and checks every header it will have, so that a bad address is
// reported before anything is stored. The check builds the header alone:
// no attachment is read for it.
//
// The plugins' BeforeSend hooks run on the finished message (sendAnyway:
// the user confirmed their warnings), before the check.
func (a *App) planSend(ctx context.Context, owner composeOwner, c store.Compose, sendAnyway bool) (sendPlan, error) {
	uploads, err := a.DB.UploadsByCompose(ctx, c.ID, owner.user.ID)
	if err != nil {
		return sendPlan{}, storeError(err)
	}
	out, err := a.composeMessage(ctx, owner, c, uploads, false)
	if err != nil {
		return sendPlan{}, buildError(err)
	}
	if err := a.beforeSend(ctx, owner.user, &out, sendAnyway); err != nil {
		return sendPlan{}, err
	}
	headerOnly := out
	headerOnly.Text, headerOnly.HTML, headerOnly.Attachments, headerOnly.ForwardedMessages = "", "", nil, nil
	if _, err := mime.Build(io.Discard, headerOnly); err != nil {
		return sendPlan{}, buildError(err)
	}
	prefs, err := a.DB.Prefs(store.WithPrimaryReads(ctx), owner.user.ID)
	if err != nil {
		return sendPlan{}, storeError(err)
	}
	return sendPlan{message: out, delay: store.UndoSendDelay(prefs)}, nil
}

// buildError turns the builder's refusal into what the user reads: the
// field and the entry that is wrong.
func buildError(err error) error {
	var addrErr *mime.AddressError
	if errors.As(err, &addrErr) {
		return builderRefusal("Check the address", err)
	}
	if refusal := builderRefusal("Check the message", err); refusal != nil {
		return refusal
	}
	if errors.Is(err, mime.ErrNoRecipients) {
		return &Error{Code: CodeInvalid, Title: "No recipient", Message: "Enter at least one recipient in To, Cc or Bcc.", Err: err}
	}
	return err
}
