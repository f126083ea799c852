package app

import (
	"context"
	"errors"
	"time"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// The actions on selected messages, shared by the message lists, search
// results and the message page.
const (
	ActRead    = "read"
	ActUnread  = "unread"
	ActFlag    = "flag"
	ActUnflag  = "unflag"
	ActMove    = "move"
	ActCopy    = "copy"
	ActDelete  = "delete"  // to Trash; in Trash, for good
	ActArchive = "archive" // to Archive
	ActJunk    = "junk"    // $Junk, to Junk
	ActNotJunk = "notjunk" // $NotJunk, from Junk back to INBOX
	ActEmpty   = "empty"   // every message of Trash or Junk, for good
)

// MaxSelection bounds the messages one action names.
const MaxSelection = 5000

// ListAction is one action on selected messages.
type ListAction struct {
	Action string // one of the Act* constants
	// Mailbox is the folder whose list the action comes from, "" for
	// search results from many folders. ActEmpty empties it.
	Mailbox string
	// Groups are the selected messages, by folder.
	Groups []MessageGroup
	// Target is the folder chosen for ActMove and ActCopy.
	Target string
	// Confirmed is the user's yes to an action that cannot be undone
	// (deleting from Trash, emptying); without it such an action is not
	// done and the result asks.
	Confirmed bool
}

// MessageGroup is the selected messages of one folder.
type MessageGroup struct {
	Mailbox string
	UIDs    []uint32
}

// OneMessage is action on one message, as a message's own page asks for
// it: confirmed, because the page's "Delete forever" button asks before
// the form is sent.
func OneMessage(action, mailbox string, uid uint32, target string) ListAction {
	return ListAction{Action: action, Mailbox: mailbox, Target: target, Confirmed: true,
		Groups: []MessageGroup{{Mailbox: mailbox, UIDs: []uint32{uid}}}}
}

// ActionResult is what an action did.
type ActionResult struct {
	Message string // the status line: "Moved 3 messages to Archive."
	Removed bool   // messages left the folder they were listed in
	ForGood bool   // messages were deleted for good (expunged)
	// Confirm is set, and nothing was done, when the action cannot be
	// undone and was not confirmed.
	Confirm *Confirmation
	// Undo is the token UndoListAction takes to move the messages back,
	// for UndoWindow; "" when the action moved nothing, or when the mail
	// server did not say where the messages went (no UIDPLUS COPYUID):
	// then no undo is offered rather than one that guesses.
	Undo string

	undo []undoMove // what Undo says, before it is signed
}

// Confirmation is the question to ask before an action that cannot be
// undone.
type Confirmation struct {
	Question string // "Empty Trash?"
	Detail   string
	Button   string // the label of the button that confirms
}

// RunListAction does an action on the selected messages: it plans it for
// each folder of the selection (delete moves to Trash, except in Trash;
// archive and junk move to their folders, creating them when missing),
// asks for confirmation when something cannot be undone, and does it. A
// refusal the user can fix (nothing selected, no folder chosen) is a
// CodeInvalid *Error.
func (a *App) RunListAction(ctx context.Context, sess *session.Session, act ListAction) (ActionResult, error) {
	act, count, err := checkSelection(act)
	if err != nil {
		return ActionResult{}, err
	}
	var res ActionResult
	err = a.withIMAP(ctx, sess, func(client *mail.Client) error {
		var err error
		res, err = runListAction(ctx, client, act, count) // may run twice on a dead pooled connection
		return err
	})
	if err == nil && len(res.undo) > 0 {
		res.Undo = a.signUndo(sess.User, undoTicket{Expires: time.Now().Add(UndoWindow).Unix(), Message: res.Message, Moves: res.undo})
	}
	return res, err
}

// checkSelection refuses an action without messages and narrows "empty"
// to the folder of the list; it returns the number of messages named.
func checkSelection(act ListAction) (ListAction, int, error) {
	count := 0
	for _, g := range act.Groups {
		count += len(g.UIDs)
	}
	switch {
	case act.Action == ActEmpty && act.Mailbox == "":
		return act, 0, badAction("Open the folder to empty it.")
	case act.Action == ActEmpty:
		act.Groups = []MessageGroup{{Mailbox: act.Mailbox}}
		return act, 0, nil
	case count == 0:
		return act, 0, badAction("Select at least one message first.")
	}
	return act, count, nil
}

// runListAction plans and does act with client.
func runListAction(ctx context.Context, client *mail.Client, act ListAction, count int) (ActionResult, error) {
	boxes, err := client.Mailboxes(ctx)
	if err != nil {
		return ActionResult{}, err
	}
	folders := newFolderFacts(boxes)
	plans := make([]listPlan, len(act.Groups))
	skip := make([]bool, len(act.Groups))
	skipped := 0
	for i, g := range act.Groups {
		if !folders.exists[g.Mailbox] {
			return ActionResult{}, badAction("That folder does not exist any more. Reload the page to see the current folders.")
		}
		use := SpecialUse(boxes, g.Mailbox)
		plans[i], err = planListAction(act.Action, g.Mailbox, use, folders, act.Target)
		if err != nil && len(act.Groups) > 1 && alreadyThere(act, g, use) {
			// Results from many folders: those already where they
			// should go stay; the others still go.
			skip[i], skipped, count = true, skipped+1, count-len(g.UIDs)
			continue
		}
		if err != nil {
			return ActionResult{}, err
		}
		if plans[i].confirm && !act.Confirmed {
			return ActionResult{Confirm: confirmation(ctx, act, g, len(g.UIDs), boxes)}, nil
		}
	}
	if skipped == len(act.Groups) {
		return ActionResult{}, badAction("The messages are in that folder already.")
	}
	return applyPlans(ctx, client, act, plans, skip, count, boxes, folders)
}

// applyPlans does each folder's plan, creating a missing special folder
// first, and says what happened.
func applyPlans(ctx context.Context, client *mail.Client, act ListAction, plans []listPlan, skip []bool, count int, boxes []mail.Mailbox, folders folderFacts) (ActionResult, error) {
	var res ActionResult
	where := ""
	first := -1
	undoable := true
	for i, g := range act.Groups {
		if skip[i] {
			continue
		}
		if first < 0 {
			first = i
		}
		p := plans[i]
		if p.create != "" {
			name, err := createSpecial(ctx, client, p.create, folders)
			if err != nil {
				return ActionResult{}, err
			}
			p.moveTo = name
		}
		undo, err := applyListPlan(ctx, client, g, p)
		if err != nil {
			return ActionResult{}, err
		}
		if p.moveTo != "" {
			undoable = undoable && undo != nil
			if undo != nil {
				res.undo = append(res.undo, *undo)
			}
		}
		res.Removed = res.Removed || p.removes()
		res.ForGood = res.ForGood || p.expunge || p.empty
		switch {
		case p.moveTo != "":
			where = DisplayName(boxes, p.moveTo)
		case p.copyTo != "":
			where = DisplayName(boxes, p.copyTo)
		case p.empty:
			where = DisplayName(boxes, g.Mailbox)
		}
		plans[i] = p
	}
	if where == "" && len(act.Groups) > 0 {
		where = DisplayName(boxes, act.Groups[0].Mailbox)
	}
	res.Message = listActionDone(ctx, act.Action, count, plans[first], where)
	if !undoable {
		res.undo = nil // half an undo would surprise more than none
	}
	return res, nil
}

// createSpecial creates the default folder for a special use ("trash",
// ...) that does not exist yet, and returns its name.
func createSpecial(ctx context.Context, client *mail.Client, use string, folders folderFacts) (string, error) {
	name := specialDefaultName(use)
	if folders.exists[name] {
		return name, nil
	}
	if err := client.CreateMailbox(ctx, name); err != nil && !errors.Is(err, mail.ErrMailboxExists) {
		if errors.Is(err, mail.ErrUnavailable) {
			return "", err
		}
		e := Errorf(CodeMailServer, "Folder missing", "There is no %s folder, and the mail server would not create one. Nothing was changed.", name)
		e.Err = err
		return "", e
	}
	folders.exists[name] = true
	return name, nil
}

// alreadyThere reports whether g is refused only because its messages are
// where the action would put them.
func alreadyThere(act ListAction, g MessageGroup, use string) bool {
	switch act.Action {
	case ActMove, ActCopy:
		return g.Mailbox == act.Target
	case ActArchive:
		return use == "archive"
	}
	return false
}

// confirmation is the question for an action on g that cannot be undone,
// in the user's language.
func confirmation(ctx context.Context, act ListAction, g MessageGroup, count int, boxes []mail.Mailbox) *Confirmation {
	name := DisplayName(boxes, g.Mailbox)
	if act.Action == ActEmpty {
		var n uint32
		if b, ok := FindFolder(boxes, g.Mailbox); ok {
			n = b.Messages
		}
		return &Confirmation{
			Question: i18n.T(ctx, "Empty %s?", name),
			Detail:   i18n.N(ctx, int(n), "The %d message in %s will be deleted for good. This cannot be undone.", "All %d messages in %s will be deleted for good. This cannot be undone.", int(n), name),
			Button:   i18n.T(ctx, "Empty %s", name),
		}
	}
	return &Confirmation{
		Question: i18n.N(ctx, count, "Delete %d message for good?", "Delete %d messages for good?"),
		Detail:   i18n.T(ctx, "Messages deleted from %s cannot be recovered.", name),
		Button:   i18n.T(ctx, "Delete for good"),
	}
}

// applyListPlan does p to the messages of g: flags first (so $Junk travels
// with the message), then copy, move, expunge or empty. For a move it
// returns how to undo it, nil when the server did not say where the
// messages went.
func applyListPlan(ctx context.Context, client *mail.Client, g MessageGroup, p listPlan) (*undoMove, error) {
	var before map[uint32][]string
	if p.moveTo != "" && len(p.addFlags)+len(p.removeFlags) > 0 {
		var err error
		if before, err = client.MessageFlags(ctx, g.Mailbox, g.UIDs...); err != nil {
			return nil, err
		}
	}
	if len(p.addFlags) > 0 {
		if err := client.SetFlags(ctx, g.Mailbox, p.addFlags, true, g.UIDs...); err != nil {
			return nil, err
		}
	}
	if len(p.removeFlags) > 0 {
		if err := client.SetFlags(ctx, g.Mailbox, p.removeFlags, false, g.UIDs...); err != nil {
			return nil, err
		}
	}
	switch {
	case p.copyTo != "":
		return nil, client.Copy(ctx, g.Mailbox, p.copyTo, g.UIDs...)
	case p.moveTo != "":
		moved, err := client.MoveReporting(ctx, g.Mailbox, p.moveTo, g.UIDs...)
		if err != nil || !moved.Reported() {
			return nil, err
		}
		return undoMoveOf(g.Mailbox, p, before, moved), nil
	case p.expunge:
		return nil, client.Expunge(ctx, g.Mailbox, g.UIDs...)
	case p.empty:
		return nil, client.EmptyMailbox(ctx, g.Mailbox)
	}
	return nil, nil
}
