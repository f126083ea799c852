package app

import (
	"context"
	"strings"

	"github.com/webmail/webmail/session"
)

// TrustSenderInput is the "always show images from this sender" button,
// or its undo.
type TrustSenderInput struct {
	// Sender is the From address the page showed; case and surrounding
	// space do not matter.
	Sender string
	// Trust is true to trust the sender, false to stop.
	Trust bool
	// Part is the part path of the attached message the button was on,
	// "" for a mailbox message; it is checked, so the caller can return
	// there.
	Part string
}

// TrustSender records (or forgets) that the user wants remote content
// shown in every message from a sender.
func (a *App) TrustSender(ctx context.Context, sess *session.Session, in TrustSenderInput) error {
	sender := strings.ToLower(strings.TrimSpace(in.Sender))
	if !ValidSender(sender) {
		return Invalid("No sender", "This message has no sender address that images could be allowed for.")
	}
	if in.Part != "" {
		if _, err := ParsePartPath(in.Part); err != nil {
			return err
		}
	}
	user, err := a.userForSession(ctx, sess)
	if err == nil {
		if in.Trust {
			err = a.DB.TrustSender(ctx, user.ID, sender)
		} else {
			err = a.DB.UntrustSender(ctx, user.ID, sender)
		}
	}
	if err != nil {
		return storeError(err)
	}
	return nil
}
