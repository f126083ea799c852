package app

import (
	"context"
	"errors"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// FolderList is the user's folders for the folder management page.
type FolderList struct {
	Folders []mail.Mailbox
	// Subscribed holds the subscribed folders' names when
	// SubscriptionsKnown (the server may not support subscriptions).
	Subscribed         map[string]bool
	SubscriptionsKnown bool
}

// ListFolders returns every folder of the user with its subscription.
func (a *App) ListFolders(ctx context.Context, sess *session.Session) (FolderList, error) {
	var out FolderList
	err := a.withIMAP(ctx, sess, func(client *mail.Client) error {
		var err error
		if out.Folders, err = a.sidebarFolders(ctx, sess, client); err != nil {
			return err
		}
		out.SubscriptionsKnown = true
		out.Subscribed, err = client.Subscriptions(ctx)
		if errors.Is(err, mail.ErrSubscriptionsUnsupported) {
			out.SubscriptionsKnown, err = false, nil
		}
		return err
	})
	return out, err
}

// Mailboxes returns the user's folders, for the folder tree of a page
// that shows nothing else from the mail server.
func (a *App) Mailboxes(ctx context.Context, sess *session.Session) ([]mail.Mailbox, error) {
	var boxes []mail.Mailbox
	err := a.withIMAP(ctx, sess, func(client *mail.Client) error {
		var err error
		boxes, err = client.Mailboxes(ctx)
		return err
	})
	return boxes, err
}

// IsFolderRefusal reports whether err refuses a folder change the user can
// correct (a name taken or not possible, a folder gone), as opposed to a
// failure: the folder page shows a refusal next to its form.
func IsFolderRefusal(err error) bool {
	e := AsError(err)
	return e != nil && (e.Code == CodeInvalid || e.Code == CodeConflict || e.Code == CodeNotFound)
}
