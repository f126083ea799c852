package app

import (
	"context"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// MailWatch is a subscription to a user's INBOX counts.
type MailWatch struct {
	// Updates receives the current counts as soon as they are known, then
	// every change; it is closed when the mail server refuses the
	// password.
	Updates <-chan mail.MailboxStatus
	// Stop ends the subscription; call it when done listening.
	Stop func()
}

// WatchMail subscribes to new mail for the session's user, through this
// instance's IMAP IDLE watcher. Nothing about it lives outside the caller,
// so after a drain or a crash the browser reconnects to any other instance
// and carries on.
func (a *App) WatchMail(ctx context.Context, sess *session.Session) (MailWatch, error) {
	password, err := a.Sessions.Password(sess)
	if err != nil {
		return MailWatch{}, signedOut("Your session can no longer be used. Please sign in again.", err)
	}
	endpoint, err := a.sessionIMAP(sess)
	if err != nil {
		return MailWatch{}, mailError(err)
	}
	updates, stop := a.Watcher.Watch(endpoint, sess.User, password, a.IMAPOptions)
	return MailWatch{Updates: updates, Stop: stop}, nil
}

// SessionAlive reports whether the session still exists, without keeping
// it alive: an open tab must not keep an idle session alive forever, and
// a logged-out session ends what it was watching.
func (a *App) SessionAlive(ctx context.Context, sess *session.Session) bool {
	_, err := a.Sessions.Store().Get(ctx, sess.ID)
	return err == nil
}
