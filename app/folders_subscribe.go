package app

import (
	"context"
	"errors"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// SubscribeFolder subscribes to a folder (its full name) or, with
// subscribe false, unsubscribes from it.
func (a *App) SubscribeFolder(ctx context.Context, sess *session.Session, folder string, subscribe bool) error {
	if folder == "" {
		return Invalid("No folder chosen", "Choose a folder to subscribe to.")
	}
	return a.withIMAP(ctx, sess, func(client *mail.Client) error {
		err := client.SetSubscribed(ctx, folder, subscribe)
		if errors.Is(err, mail.ErrNotFound) {
			return errNoSuchFolder()
		}
		return err
	})
}
