package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// undoMoveOf is how to undo a move of messages from source by p, which the
// server reported as moved; before holds their flags before p changed any
// (nil when p changes none).
func undoMoveOf(source string, p listPlan, before map[uint32][]string, moved mail.Moved) *undoMove {
	u := &undoMove{From: source, To: p.moveTo, Validity: moved.UIDValidity, UIDs: formatUIDs(moved.Dest)}
	changed := func(flag string, had bool) []uint32 {
		var dest []uint32
		for i, src := range moved.Source {
			if flags, ok := before[src]; ok && hasFlag(flags, flag) == had {
				dest = append(dest, moved.Dest[i])
			}
		}
		return dest
	}
	for _, f := range p.addFlags {
		if uids := changed(f, false); len(uids) > 0 {
			u.Added = append(u.Added, undoFlags{Flag: f, UIDs: formatUIDs(uids)})
		}
	}
	for _, f := range p.removeFlags {
		if uids := changed(f, true); len(uids) > 0 {
			u.Removed = append(u.Removed, undoFlags{Flag: f, UIDs: formatUIDs(uids)})
		}
	}
	return u
}

// hasFlag reports whether flags holds flag; IMAP flags ignore case.
func hasFlag(flags []string, flag string) bool {
	for _, f := range flags {
		if strings.EqualFold(f, flag) {
			return true
		}
	}
	return false
}

// UndoOffer is an action that can be undone, as a page offers it: the
// token for UndoListAction and what the action did.
type UndoOffer struct {
	Token   string
	Message string // "Moved 2 messages to Trash."
}

// ReadUndoOffer checks a token that came back from the browser (in the
// cookie carrying it to the next page) and returns the offer to show; ok
// is false for a token that is not this user's, was changed, or is too
// old. The message shown is the one signed in the token, never words from
// the cookie.
func (a *App) ReadUndoOffer(sess *session.Session, token string) (UndoOffer, bool) {
	t, err := a.openUndo(sess.User, token, time.Now())
	if err != nil {
		return UndoOffer{}, false
	}
	return UndoOffer{Token: token, Message: t.Message}, true
}

// UndoResult is what an undo did.
type UndoResult struct {
	Message string // "Moved 2 messages back to Inbox."
	Moved   int    // messages moved back; 0 when none was where the action had put it
	// Mailbox is the folder the messages came from (the first, when an
	// action on search results took them from several), and UIDs their
	// new UIDs there, when the server said.
	Mailbox string
	UIDs    []uint32
}

// UndoListAction undoes a move, archive, delete to Trash or junk that
// RunListAction did, by its token (ActionResult.Undo): it moves the
// messages back to the folders they came from and takes back the flags
// the action changed ($Junk, $NotJunk, or \Seen and \Flagged, were an
// action to change them). Any instance can do it: the token says
// everything. The messages are named by the UIDs the server gave them
// in the destination, valid only while its UIDVALIDITY is the same; those
// moved or deleted since are left alone. A token that is not this user's,
// changed or older than UndoWindow is a CodeInvalid refusal.
func (a *App) UndoListAction(ctx context.Context, sess *session.Session, token string) (UndoResult, error) {
	t, err := a.openUndo(sess.User, token, time.Now())
	if err != nil {
		return UndoResult{}, err
	}
	var res UndoResult
	err = a.withIMAP(ctx, sess, func(client *mail.Client) error {
		var err error
		res, err = undoMoves(ctx, client, t.Moves) // may run twice; a second run finds nothing left to move
		return err
	})
	return res, err
}

// undoMoves moves each move's messages back and says what happened.
func undoMoves(ctx context.Context, client *mail.Client, moves []undoMove) (UndoResult, error) {
	boxes, err := client.Mailboxes(ctx)
	if err != nil {
		return UndoResult{}, err
	}
	folders := newFolderFacts(boxes)
	res := UndoResult{Mailbox: moves[0].From}
	back := map[string]bool{}
	for _, m := range moves {
		if !folders.exists[m.From] {
			return UndoResult{}, Invalid(i18n.Mark("Cannot undo"), i18n.Mark("The folder the messages came from does not exist any more, so they cannot be moved back."))
		}
		moved, err := undoMove1(ctx, client, m)
		if err != nil {
			return UndoResult{}, err
		}
		res.Moved += len(moved.Dest)
		if len(moved.Dest) > 0 {
			back[m.From] = true
		}
		if m.From == res.Mailbox {
			res.UIDs = append(res.UIDs, moved.Dest...)
		}
	}
	switch {
	case res.Moved == 0:
		res.Message = i18n.T(ctx, "Nothing was moved back: the messages are no longer in %s.", DisplayName(boxes, moves[0].To))
	case len(back) == 1:
		for from := range back {
			res.Message = i18n.N(ctx, res.Moved, "Moved %d message back to %s.", "Moved %d messages back to %s.", res.Moved, DisplayName(boxes, from))
		}
	default:
		res.Message = i18n.N(ctx, res.Moved, "Moved %d message back to their folders.", "Moved %d messages back to their folders.")
	}
	return res, nil
}

// undoMove1 undoes one folder's share: the flags first, while the
// messages still have the UIDs the token names, then the move back.
func undoMove1(ctx context.Context, client *mail.Client, m undoMove) (mail.Moved, error) {
	uids, ok := parseUIDs(m.UIDs)
	if !ok {
		return mail.Moved{}, undoRefused()
	}
	validity, err := client.UIDValidity(ctx, m.To)
	if errors.Is(err, mail.ErrNotFound) || (err == nil && validity != m.Validity) {
		return mail.Moved{}, Invalid(i18n.Mark("Cannot undo"), i18n.Mark("The folder the messages were moved to was deleted or replaced since, so they cannot be moved back."))
	}
	if err != nil {
		return mail.Moved{}, err
	}
	// Only those still there: the user may have moved or deleted some
	// since, or undone already. Asking first also spares servers that
	// answer a MOVE of nothing badly (go-imap's memory server, of the
	// demo, sends a COPYUID its own client cannot read).
	present, err := client.MessageFlags(ctx, m.To, uids...)
	if err != nil {
		return mail.Moved{}, err
	}
	uids = slices.DeleteFunc(uids, func(uid uint32) bool { _, ok := present[uid]; return !ok })
	if len(uids) == 0 {
		return mail.Moved{}, nil
	}
	for _, f := range m.Added {
		if fu, ok := parseUIDs(f.UIDs); ok {
			if err := client.SetFlags(ctx, m.To, []string{f.Flag}, false, fu...); err != nil {
				return mail.Moved{}, err
			}
		}
	}
	for _, f := range m.Removed {
		if fu, ok := parseUIDs(f.UIDs); ok {
			if err := client.SetFlags(ctx, m.To, []string{f.Flag}, true, fu...); err != nil {
				return mail.Moved{}, err
			}
		}
	}
	return client.MoveReporting(ctx, m.To, m.From, uids...)
}
