package app

import (
	"context"
	"errors"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// withIMAP runs fn with an IMAP connection logged in as the session's user,
// borrowed from this instance's pool. Credentials come from the session, so
// any instance can do this. fn must be safe to run twice: when a pooled
// connection turns out to have died while idle, fn runs once more on a
// fresh one and the user never sees the dead connection.
//
// A session whose credentials cannot be opened (another cluster secret
// sealed them) or that the mail server no longer accepts is ended here and
// reported as CodeSignedOut; the caller clears the cookie.
func (a *App) withIMAP(ctx context.Context, sess *session.Session, fn func(*mail.Client) error) error {
	password, err := a.Sessions.Password(sess)
	if err != nil {
		a.endSession(ctx, sess)
		return signedOut("Your session can no longer be used. Please sign in again.", err)
	}
	endpoint, err := a.sessionIMAP(sess)
	if err != nil {
		return mailError(err)
	}
	for attempt := 0; ; attempt++ {
		conn, err := a.Pool.Get(ctx, endpoint, sess.User, password, a.IMAPOptions)
		if err != nil {
			return mailError(err)
		}
		err = fn(conn.Client)
		retry := err != nil && conn.Reused && conn.Broken() && ctx.Err() == nil && attempt == 0
		conn.Release()
		if retry {
			a.Logger.DebugContext(ctx, "pooled IMAP connection was dead; retrying on a new one", "err", err)
			continue
		}
		if err != nil {
			if errors.Is(err, mail.ErrAuthFailed) {
				a.endSession(ctx, sess)
			}
			return mailError(err)
		}
		return nil
	}
}

// endSession deletes a session that can no longer be used; a failure is
// logged (the session then expires on its own).
func (a *App) endSession(ctx context.Context, sess *session.Session) {
	if err := a.Sessions.Destroy(ctx, sess.ID); err != nil {
		a.Logger.WarnContext(ctx, "ending an unusable session failed", "err", err)
	}
}

// sessionIMAP is the IMAP server of the session: the one its login was
// routed to, so every instance talks to the same backend for it. Sessions
// from before routing resolve now.
func (a *App) sessionIMAP(sess *session.Session) (mail.Endpoint, error) {
	if sess.IMAP != "" {
		return mail.ParseIMAPURL(sess.IMAP)
	}
	return a.resolveIMAP(sess.User)
}

// resolveIMAP routes a login to its IMAP server.
func (a *App) resolveIMAP(login string) (mail.Endpoint, error) {
	route, err := a.routeLogin(login)
	return route.IMAP, err
}

// routeLogin finds the mail servers for a login: the router's answer, or
// the configured IMAP server when there is no router.
func (a *App) routeLogin(login string) (mail.Route, error) {
	if a.Router == nil {
		return mail.Route{IMAP: a.IMAP}, nil
	}
	return a.Router.Resolve(login)
}
