package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/webmail/webmail/session"
)

// UserSession is one signed-in browser of a user, as an admin sees it.
// Never the session ID itself: it is the browser's credential.
type UserSession struct {
	Ref       string // sessionRef: a short digest of the ID, to tell sessions apart
	CreatedAt time.Time
	LastSeen  time.Time
	IMAP      string // the server the session was routed to
}

// UserSessions lists a user's live sessions.
func (a *App) UserSessions(ctx context.Context, email string) ([]UserSession, error) {
	email, err := adminUser(email)
	if err != nil {
		return nil, err
	}
	sessions, err := a.Sessions.UserSessions(ctx, email)
	if err != nil {
		return nil, sessionIndexError(err)
	}
	out := make([]UserSession, 0, len(sessions))
	for _, s := range sessions {
		out = append(out, UserSession{Ref: sessionRef(s.ID), CreatedAt: s.CreatedAt, LastSeen: s.LastSeen, IMAP: s.IMAP})
	}
	return out, nil
}

// EndUserSessions signs a user out everywhere and returns how many sessions
// ended. Their browsers are sent to the login form on their next request,
// on every instance.
func (a *App) EndUserSessions(ctx context.Context, actor Actor, email string) (int, error) {
	email, err := adminUser(email)
	if err != nil {
		return 0, err
	}
	n, err := a.Sessions.EndUserSessions(ctx, email)
	if n > 0 || err == nil {
		a.audit(ctx, actor, "sessions.end", email, map[string]int{"ended": n})
	}
	if err != nil {
		return n, sessionIndexError(err)
	}
	return n, nil
}

// sessionRef names a session in lists and forms: a short digest of its
// ID, which tells a user's sessions apart but cannot be turned back into
// the ID (the browser's credential).
func sessionRef(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:6])
}

func adminUser(email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" || len(email) > 320 || strings.ContainsAny(email, "\r\n\x00 ") {
		return "", Invalid("User", "Give the user's login, such as ann@example.com.")
	}
	return email, nil
}

func sessionIndexError(err error) error {
	if errors.Is(err, session.ErrNoUserIndex) {
		return &Error{Code: CodeInternal, Title: "Sessions", Message: "This session store cannot list a user's sessions.", Err: err}
	}
	return sessionStoreError(err)
}
