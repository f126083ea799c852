package app

import (
	"context"
	"errors"
	"time"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// prefsTimeout bounds the database lookups of the message view: mail
// reading must keep working, promptly, while the database is slow or down.
const prefsTimeout = time.Second

// readerPrefs is what the message view needs from the database.
type readerPrefs struct {
	userID        int64             // 0 when the database could not say: no trusted senders then
	markReadDelay int               // seconds; 0 marks read on opening, -1 never
	all           map[string]string // every setting, for the plugins' hooks; nil when unread
	timeZone      *time.Location    // where the user reads: dates are shown there (UTC by default)
	monospace     bool              // text bodies in a fixed-width font (plain_font = monospace)
}

// readerPrefs loads the user's row and settings. Any failure gives the
// defaults and is logged, never shown: the message is on IMAP, not here.
func (a *App) readerPrefs(ctx context.Context, sess *session.Session) readerPrefs {
	if a.DB == nil || sess == nil {
		return readerPrefs{timeZone: time.UTC}
	}
	ctx, cancel := context.WithTimeout(ctx, prefsTimeout)
	defer cancel()
	userID, prefs, err := a.DB.UserPrefs(ctx, sess.User)
	if err != nil {
		a.logPrefsError(ctx, err)
		return readerPrefs{timeZone: time.UTC}
	}
	return readerPrefs{userID: userID, markReadDelay: ParseMarkReadDelay(prefs[PrefMarkReadDelay]), all: prefs,
		timeZone: TimeZone(prefs[PrefTimeZone]), monospace: prefs[PrefPlainFont] == FontMonospace}
}

func (a *App) logPrefsError(ctx context.Context, err error) {
	if errors.Is(err, store.ErrNotFound) {
		return // a user whose login was not recorded: defaults are right
	}
	a.Logger.WarnContext(ctx, "reading user settings failed; using defaults", "err", err)
}

// senderTrusted reports whether the user always wants remote content from
// sender; a database failure counts as "no" (the safe default).
func (a *App) senderTrusted(ctx context.Context, userID int64, sender string) bool {
	ctx, cancel := context.WithTimeout(ctx, prefsTimeout)
	defer cancel()
	trusted, err := a.DB.IsTrustedSender(ctx, userID, sender)
	if err != nil {
		a.logPrefsError(ctx, err)
		return false
	}
	return trusted
}
