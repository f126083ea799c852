package app

import (
	"context"
	"sort"
	"time"

	"github.com/webmail/webmail/session"
)

// MySession is one signed-in browser of the user's, as the user sees it
// in the settings: enough to recognise it, never its ID (the browser's
// credential).
type MySession struct {
	Ref       string // names it for EndMySession
	Device    string // such as "Chrome on Linux"; "" when unknown (a session from before the list)
	LoginIP   string // where it signed in from; "" when unknown
	LastIP    string // where it was last used from (refreshed at most once a minute)
	CreatedAt time.Time
	LastSeen  time.Time
	Current   bool // the session making this request
}

// MySessions lists the user's live sessions, on every instance: the
// current one first, then the most recently used.
func (a *App) MySessions(ctx context.Context, sess *session.Session) ([]MySession, error) {
	sessions, err := a.Sessions.UserSessions(ctx, sess.User)
	if err != nil {
		return nil, sessionIndexError(err)
	}
	out := make([]MySession, 0, len(sessions))
	for _, s := range sessions {
		out = append(out, MySession{
			Ref: sessionRef(s.ID), Device: s.Device, LoginIP: s.LoginIP, LastIP: s.LastIP,
			CreatedAt: s.CreatedAt, LastSeen: s.LastSeen, Current: s.ID == sess.ID,
		})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Current != out[j].Current {
			return out[i].Current
		}
		return out[i].LastSeen.After(out[j].LastSeen)
	})
	return out, nil
}

// EndMySession signs out one of the user's other sessions, named by its
// Ref. It is looked up among the user's own sessions only, so the ref of
// anyone else's session is CodeNotFound, as is one that already ended;
// the current session is CodeInvalid (signing out ends it). The ended
// browser is sent to the login form on its next request, on any instance,
// because every instance reads sessions from the shared store.
func (a *App) EndMySession(ctx context.Context, sess *session.Session, ref string) error {
	sessions, err := a.Sessions.UserSessions(ctx, sess.User)
	if err != nil {
		return sessionIndexError(err)
	}
	for _, s := range sessions {
		if sessionRef(s.ID) != ref {
			continue
		}
		if s.ID == sess.ID {
			return Invalid("Sessions", "This is the session you are using. To end it, sign out.")
		}
		if err := a.Sessions.Destroy(ctx, s.ID); err != nil {
			return sessionStoreError(err)
		}
		a.Logger.InfoContext(ctx, "session ended by its user", "user", sess.User, "session", ref)
		return nil
	}
	return &Error{Code: CodeNotFound, Title: "Sessions", Message: "That session has already ended."}
}

// EndMyOtherSessions signs out every session of the user's but the
// current one and returns how many it ended. A login that completes while
// it runs may survive it.
func (a *App) EndMyOtherSessions(ctx context.Context, sess *session.Session) (int, error) {
	sessions, err := a.Sessions.UserSessions(ctx, sess.User)
	if err != nil {
		return 0, sessionIndexError(err)
	}
	ended := 0
	for _, s := range sessions {
		if s.ID == sess.ID {
			continue
		}
		if err := a.Sessions.Destroy(ctx, s.ID); err != nil {
			return ended, sessionStoreError(err)
		}
		ended++
	}
	a.Logger.InfoContext(ctx, "other sessions ended by their user", "user", sess.User, "ended", ended)
	return ended, nil
}

func sessionStoreError(err error) error {
	return &Error{Code: CodeUnavailable, Title: "Sessions", Message: "The session store is not answering right now; try again.", Err: err}
}
