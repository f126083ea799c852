package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
)

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
	out, err := s.App.ActOnMessage(c.Request().Context(), currentSession(c), app.MessageActionInput{
		Mailbox: mailbox, UID: uid, Action: c.FormValue("action"), Target: c.FormValue("target"),
	})
	if err != nil {
		return err
	}
	if c.FormValue("async") == "1" {
		return c.NoContent(http.StatusNoContent)
	}
	s.offerUndo(c, out.Undo)
	url := messageURL(mailbox, uid)
	switch {
	case out.ToList:
		url = mailboxURL(mailbox)
	case out.Removed:
		url = mailboxURL(mailbox)
		if next, err := strconv.ParseUint(c.FormValue("next"), 10, 32); err == nil && next != 0 && uint32(next) != uid {
			url = messageURL(mailbox, uint32(next))
		}
	}
	return c.Redirect(http.StatusSeeOther, url+"?done="+out.Done)
}

// actionStatus is the confirmation shown after an action, from its ?done=
// code (an English key, translated where shown); unknown codes show
// nothing, so a link cannot put words on our page.
func actionStatus(done string) string {
	switch done {
	case "read":
		return i18n.Mark("Marked as read.")
	case "unread":
		return i18n.Mark("Marked as unread.")
	case "flagged":
		return i18n.Mark("Message flagged.")
	case "unflagged":
		return i18n.Mark("Flag removed.")
	case "moved":
		return i18n.Mark("Message moved.")
	case "copied":
		return i18n.Mark("Message copied.")
	case "deleted":
		return i18n.Mark("Message moved to Trash.")
	case "expunged":
		return i18n.Mark("Message deleted for good.")
	case "archived":
		return i18n.Mark("Message archived.")
	case "restored":
		return i18n.Mark("Message moved back.")
	case "junk":
		return i18n.Mark("Marked as junk.")
	case "notjunk":
		return i18n.Mark("Marked as not junk.")
	case "trusted":
		return i18n.Mark("Images from this sender will always be shown.")
	case "untrusted":
		return i18n.Mark("Images from this sender will be blocked again.")
	}
	return ""
}
