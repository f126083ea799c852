package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
)

// actionOutcome is what an action did, for the redirect after it.
type actionOutcome struct {
	done   string // status code for ?done=, see actionStatus
	gone   bool   // the message left the mailbox: show the next one
	toList bool   // go back to the list (after "mark unread")
}

// actOnMessage handles POST /mail/{mailbox}/{uid}/actions, the message
// page's action form. Fields: action (read, unread, flag, unflag, move,
// copy, delete, archive, junk, notjunk), target (the mailbox for move and
// copy), next (the UID to show when the message leaves this mailbox) and
// csrf. It answers 303 to the message, the next message or the list, with
// ?done= naming what happened; with async=1 (message.js marking a message
// read after a delay) it answers 204.
func (s *Server) actOnMessage(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	action := c.FormValue("action")
	target := c.FormValue("target")
	var out actionOutcome
	var refused *UserError
	err = s.withIMAP(c, func(client *mail.Client) error {
		var err error
		out, refused, err = runAction(c, client, mailbox, uid, action, target)
		return err
	})
	if err != nil {
		return err
	}
	if refused != nil {
		return refused
	}
	if c.FormValue("async") == "1" {
		return c.NoContent(http.StatusNoContent)
	}
	url := messageURL(mailbox, uid)
	switch {
	case out.toList:
		url = mailboxURL(mailbox)
	case out.gone:
		url = mailboxURL(mailbox)
		if next, err := strconv.ParseUint(c.FormValue("next"), 10, 32); err == nil && next != 0 && uint32(next) != uid {
			url = messageURL(mailbox, uint32(next))
		}
	}
	return c.Redirect(http.StatusSeeOther, url+"?done="+out.done)
}

// runAction does one action with client. Moving, copying, deleting,
// archiving and junk go through the list's engine (runListAction) with
// this one message, so the page and the list behave the same: a missing
// Trash, Archive or Junk folder is created, not worked around. A request
// the user must change (no folder chosen) is returned as refused, not as
// an error, so withIMAP does not take it for a mail server failure.
func runAction(c echo.Context, client *mail.Client, mailbox string, uid uint32, action, target string) (actionOutcome, *UserError, error) {
	ctx := c.Request().Context()
	out := actionOutcome{done: action}
	switch action {
	case listActRead, listActUnread:
		out.toList = action == listActUnread
		return out, nil, client.SetSeen(ctx, mailbox, action == listActRead, uid)
	case listActFlag, listActUnflag:
		return actionOutcome{done: action + "ged"}, nil, client.SetFlags(ctx, mailbox, []string{mail.FlagFlagged}, action == listActFlag, uid)
	case listActMove, listActCopy:
		if target == mailbox {
			return out, &UserError{Status: http.StatusBadRequest, Title: "Same folder",
				Message: "The message is already in that folder."}, nil
		}
		out.done = "copied"
		if action == listActMove {
			out.done = "moved"
		}
	case listActDelete:
		// The status says whether the message went to Trash or is gone
		// for good, which depends on the folder it is in.
		boxes, err := client.Mailboxes(ctx)
		if err != nil {
			return out, nil, err
		}
		out.done = "deleted"
		if specialUseOf(boxes, mailbox) == "trash" {
			out.done = "expunged"
		}
	case listActArchive:
		out.done = "archived"
	case listActJunk, listActNotJunk:
		// done is the action's name.
	default:
		return out, &UserError{Status: http.StatusBadRequest, Title: "Unknown action",
			Message: "That action is not known. Please reload the page and try again."}, nil
	}
	req := listActionRequest{
		action:  action,
		mailbox: mailbox,
		groups:  []messageGroup{{mailbox: mailbox, uids: []uint32{uid}}},
		count:   1,
		target:  target,
		// Only "Delete forever" in Trash needs confirming, and its button
		// asks before the form is sent (data-confirm).
		confirmed: true,
	}
	var result listOutcome
	if err := runListAction(ctx, client, req, &result); err != nil {
		return out, nil, err
	}
	if result.refused != nil {
		var refused *UserError
		if errors.As(result.refused, &refused) {
			return out, refused, nil
		}
		return out, nil, result.refused
	}
	out.gone = result.removed
	return out, nil, nil
}

// actionStatus is the confirmation shown after an action, from its ?done=
// code; unknown codes show nothing, so a link cannot put words on our page.
func actionStatus(done string) string {
	switch done {
	case "read":
		return "Marked as read."
	case "unread":
		return "Marked as unread."
	case "flagged":
		return "Message flagged."
	case "unflagged":
		return "Flag removed."
	case "moved":
		return "Message moved."
	case "copied":
		return "Message copied."
	case "deleted":
		return "Message moved to Trash."
	case "expunged":
		return "Message deleted for good."
	case "archived":
		return "Message archived."
	case "junk":
		return "Marked as junk."
	case "notjunk":
		return "Marked as not junk."
	case "trusted":
		return "Images from this sender will always be shown."
	case "untrusted":
		return "Images from this sender will be blocked again."
	}
	return ""
}
