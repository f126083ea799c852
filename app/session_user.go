package app

import (
	"context"
	"errors"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// userForSession is the database user signed in with sess. A login the
// database did not record (it was down then) is recorded now: the user
// is signed in after all, and what they save needs a users row.
func (a *App) userForSession(ctx context.Context, sess *session.Session) (store.User, error) {
	user, err := a.DB.UserByEmail(ctx, sess.User)
	if errors.Is(err, store.ErrNotFound) {
		return a.DB.RecordLogin(ctx, sess.User)
	}
	return user, err
}
