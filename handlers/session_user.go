package handlers

import (
	"context"
	"errors"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// userForSession is the database user signed in with sess. A login the
// database did not record (it was down then) is recorded now: the user
// is signed in after all, and what they save needs a users row.
func (s *Server) userForSession(ctx context.Context, sess *session.Session) (store.User, error) {
	user, err := s.DB.UserByEmail(ctx, sess.User)
	if errors.Is(err, store.ErrNotFound) {
		return s.DB.RecordLogin(ctx, sess.User)
	}
	return user, err
}
