package handlers

import (
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

// runAction does one action with client. A request the user must change
// (no folder chosen, no Archive folder) is returned as refused, not as an
// error, so withIMAP does not take it for a mail server failure.
func runAction(c echo.Context, client *mail.Client, mailbox string, uid uint32, action, target string) (actionOutcome, *UserError, error) {
	ctx := c.Request().Context()
	switch action {
	case "read", "unread":
		out := actionOutcome{done: action, toList: action == "unread"}
		return out, nil, client.SetSeen(ctx, mailbox, action == "read", uid)
	case "flag", "unflag":
		return actionOutcome{done: action + "ged"}, nil, client.SetFlags(ctx, mailbox, []string{mail.FlagFlagged}, action == "flag", uid)
	}
	boxes, err := client.Mailboxes(ctx)
	if err != nil {
		return actionOutcome{}, nil, err
	}
	here := useOfMailbox(boxes, mailbox)
	switch action {
	case "move", "copy":
		if refused := checkTarget(boxes, mailbox, target); refused != nil {
			return actionOutcome{}, refused, nil
		}
		if action == "copy" {
			return actionOutcome{done: "copied"}, nil, client.Copy(ctx, mailbox, target, uid)
		}
		return actionOutcome{done: "moved", gone: true}, nil, client.Move(ctx, mailbox, target, uid)
	case "delete":
		trash := specialMailbox(boxes, "trash")
		if trash == "" || trash == mailbox {
			// In Trash, or with no Trash at all: delete for good.
			return actionOutcome{done: "expunged", gone: true}, nil, client.Expunge(ctx, mailbox, uid)
		}
		return actionOutcome{done: "deleted", gone: true}, nil, client.Move(ctx, mailbox, trash, uid)
	case "archive":
		archive := specialMailbox(boxes, "archive")
		if archive == "" {
			return actionOutcome{}, &UserError{Status: http.StatusConflict, Title: "No Archive folder",
				Message: "You have no Archive folder. Create a folder named Archive on the Folders page, then try again."}, nil
		}
		if archive == mailbox {
			return actionOutcome{done: "archived"}, nil, nil
		}
		return actionOutcome{done: "archived", gone: true}, nil, client.Move(ctx, mailbox, archive, uid)
	case "junk", "notjunk":
		junk := action == "junk"
		// The keywords tell spam filters what the user decided, whatever
		// folder the message ends up in.
		if err := client.SetFlags(ctx, mailbox, []string{mail.FlagJunk}, junk, uid); err != nil {
			return actionOutcome{}, nil, err
		}
		if err := client.SetFlags(ctx, mailbox, []string{mail.FlagNotJunk}, !junk, uid); err != nil {
			return actionOutcome{}, nil, err
		}
		dest := "INBOX"
		if junk {
			dest = specialMailbox(boxes, "junk")
		}
		if dest == "" || dest == mailbox || (!junk && here != "junk") {
			return actionOutcome{done: action}, nil, nil
		}
		return actionOutcome{done: action, gone: true}, nil, client.Move(ctx, mailbox, dest, uid)
	}
	return actionOutcome{}, &UserError{Status: http.StatusBadRequest, Title: "Unknown action",
		Message: "That action is not known. Please reload the page and try again."}, nil
}

// checkTarget refuses a move or copy to nowhere, to a folder that is gone
// or cannot hold messages, or to the folder the message is in.
func checkTarget(boxes []mail.Mailbox, mailbox, target string) *UserError {
	if target == "" {
		return &UserError{Status: http.StatusBadRequest, Title: "No folder chosen",
			Message: "Choose a folder to move or copy the message to."}
	}
	if target == mailbox {
		return &UserError{Status: http.StatusBadRequest, Title: "Same folder",
			Message: "The message is already in that folder."}
	}
	for _, b := range boxes {
		if b.Name == target && !b.NoSelect {
			return nil
		}
	}
	return &UserError{Status: http.StatusBadRequest, Title: "No such folder",
		Message: "That folder does not exist any more. Please reload the page and choose another."}
}

// specialMailbox is the selectable mailbox with special use use, "" when
// there is none.
func specialMailbox(boxes []mail.Mailbox, use string) string {
	for _, b := range boxes {
		if b.SpecialUse == use && !b.NoSelect {
			return b.Name
		}
	}
	return ""
}

// useOfMailbox is the special use of mailbox, "" for an ordinary one.
func useOfMailbox(boxes []mail.Mailbox, mailbox string) string {
	for _, b := range boxes {
		if b.Name == mailbox {
			return b.SpecialUse
		}
	}
	return ""
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
