package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/store"
)

// prefMarkReadDelay is the user setting for when an opened message is
// marked read: "0" (or unset) on opening, N > 0 after N seconds on the
// page (message.js does it), "-1" never.
const prefMarkReadDelay = "mark_read_delay"

// maxMarkReadDelay caps the delay a setting can ask for.
const maxMarkReadDelay = 300

// prefsTimeout bounds the database lookups of the message view: mail
// reading must keep working, promptly, while the database is slow or down.
const prefsTimeout = time.Second

// readerPrefs is what the message view needs from the database.
type readerPrefs struct {
	userID        int64 // 0 when the database could not say: no trusted senders then
	markReadDelay int   // seconds; 0 marks read on opening, -1 never
}

// readerPrefs loads the user's row and settings. Any failure gives the
// defaults and is logged, never shown: the message is on IMAP, not here.
func (s *Server) readerPrefs(c echo.Context) readerPrefs {
	sess := currentSession(c)
	if s.DB == nil || sess == nil {
		return readerPrefs{}
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), prefsTimeout)
	defer cancel()
	userID, prefs, err := s.DB.UserPrefs(ctx, sess.User)
	if err != nil {
		s.logPrefsError(c, err)
		return readerPrefs{}
	}
	return readerPrefs{userID: userID, markReadDelay: app.ParseMarkReadDelay(prefs[prefMarkReadDelay])}
}

func (s *Server) logPrefsError(c echo.Context, err error) {
	if errors.Is(err, store.ErrNotFound) {
		return // a user whose login was not recorded: defaults are right
	}
	s.Logger.Warn("reading user settings failed; using defaults", "request_id", reqID(c), "err", err)
}

// senderTrusted reports whether the user always wants remote content from
// sender; a database failure counts as "no" (the safe default).
func (s *Server) senderTrusted(c echo.Context, userID int64, sender string) bool {
	ctx, cancel := context.WithTimeout(c.Request().Context(), prefsTimeout)
	defer cancel()
	trusted, err := s.DB.IsTrustedSender(ctx, userID, sender)
	if err != nil {
		s.logPrefsError(c, err)
		return false
	}
	return trusted
}

// validSender accepts what can be an email address: one "@" with
// something on each side, no spaces or control characters, at most 320
// bytes.
func validSender(email string) bool {
	local, domain, ok := strings.Cut(email, "@")
	return ok && local != "" && domain != "" && len(email) <= 320 &&
		!strings.ContainsFunc(email, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '<' || r == '>' })
}

// trustSender handles POST /mail/{mailbox}/{uid}/trust-sender, the
// "always show images from this sender" button and its undo. Fields:
// csrf, sender (the From address shown on the page), trust ("1" or "0"),
// and part when the button was on an attached message. It returns to the
// message; after trusting, with ?images=1, so the images show at once even
// while a database replica has not caught up with the write.
func (s *Server) trustSender(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	sender := strings.ToLower(strings.TrimSpace(c.FormValue("sender")))
	if !validSender(sender) {
		return &UserError{Status: http.StatusBadRequest, Title: "No sender",
			Message: "This message has no sender address that images could be allowed for."}
	}
	back := messageURL(mailbox, uid)
	if part := c.FormValue("part"); part != "" {
		if _, err := parsePartPath(part); err != nil {
			return err
		}
		back += "/part/" + part + "/view"
	}
	trust := c.FormValue("trust") != "0"
	ctx := c.Request().Context()
	user, err := s.userForSession(ctx, currentSession(c))
	if err == nil {
		if trust {
			err = s.DB.TrustSender(ctx, user.ID, sender)
		} else {
			err = s.DB.UntrustSender(ctx, user.ID, sender)
		}
	}
	if err != nil {
		return storeError(err)
	}
	if trust {
		return c.Redirect(http.StatusSeeOther, back+"?images=1&done=trusted")
	}
	return c.Redirect(http.StatusSeeOther, back+"?done=untrusted")
}
