package app

import (
	"context"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// MessageActionInput is an action of a message's own page on that
// message: read, unread, flag, unflag, move, copy, delete, archive, junk
// or notjunk; Target is the folder for move and copy.
type MessageActionInput struct {
	Mailbox string
	UID     uint32
	Action  string
	Target  string
}

// MessageActionResult says what the action did, for the page after it.
type MessageActionResult struct {
	// Done names what happened: the action, or "flagged", "unflagged",
	// "moved", "copied", "deleted" (to Trash), "expunged" (for good),
	// "archived".
	Done    string
	Removed bool   // the message left the mailbox
	ToList  bool   // the user is done with it (marked unread)
	Undo    string // the token that moves it back (ActionResult.Undo), "" when there is none
}

// ActOnMessage does one action on one message. Read and flag changes set
// the flag; everything that moves the message runs the lists' engine
// (RunListAction) with this one message, so the page and the list behave
// the same: a missing Trash, Archive or Junk folder is created, not
// worked around.
func (a *App) ActOnMessage(ctx context.Context, sess *session.Session, in MessageActionInput) (MessageActionResult, error) {
	out := MessageActionResult{Done: in.Action}
	switch in.Action {
	case ActRead, ActUnread:
		out.ToList = in.Action == ActUnread
		return out, a.withIMAP(ctx, sess, func(client *mail.Client) error {
			return client.SetSeen(ctx, in.Mailbox, in.Action == ActRead, in.UID)
		})
	case ActFlag, ActUnflag:
		out.Done = in.Action + "ged"
		return out, a.withIMAP(ctx, sess, func(client *mail.Client) error {
			return client.SetFlags(ctx, in.Mailbox, []string{mail.FlagFlagged}, in.Action == ActFlag, in.UID)
		})
	case ActMove, ActCopy:
		if in.Target == in.Mailbox {
			return out, Invalid("Same folder", "The message is already in that folder.")
		}
		out.Done = map[string]string{ActMove: "moved", ActCopy: "copied"}[in.Action]
	case ActArchive:
		out.Done = "archived"
	case ActDelete, ActJunk, ActNotJunk:
	default:
		return out, Invalid("Unknown action", "That action is not known. Please reload the page and try again.")
	}
	res, err := a.RunListAction(ctx, sess, OneMessage(in.Action, in.Mailbox, in.UID, in.Target))
	if err != nil {
		return out, err
	}
	if in.Action == ActDelete {
		// Whether it went to Trash or is gone depends on where it was.
		out.Done = "deleted"
		if res.ForGood {
			out.Done = "expunged"
		}
	}
	out.Removed = res.Removed
	out.Undo = res.Undo
	return out, nil
}
