package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
)

// listOutcome is what running an action produced.
type listOutcome struct {
	message  string // the status line
	removed  bool   // messages left the list
	question string // set when the action needs confirming first
	detail   string
	button   string
	refused  error // a *UserError for the user, the action not (fully) done
}

// actOnMessages runs one action on selected messages: POST
// /mail/{mailbox}/actions for a folder's list, POST /actions for results
// from many folders. Fields: csrf, action (see planListAction), uid
// (repeated, messages of {mailbox}), msg (repeated, "{escaped
// mailbox}/{uid}"), target (move and copy), confirm=yes (for what cannot be
// undone) and return (the list to go back to).
//
// A script asking for JSON (Accept: application/json) gets {ok, message,
// removed} or, when the action needs confirming, 409 with {confirm}.
// A plain form post is redirected (303) back to the list, whose status
// line then says what happened, or shown a confirmation page.
func (s *Server) actOnMessages(c echo.Context) error {
	req, err := readListActionRequest(c)
	if err != nil {
		return s.listActionRefused(c, req, err)
	}
	var out listOutcome
	err = s.withIMAP(c, func(client *mail.Client) error {
		out = listOutcome{} // fn may run twice on a dead pooled connection
		return runListAction(c.Request().Context(), client, req, &out)
	})
	switch {
	case err != nil:
		return s.listActionRefused(c, req, err)
	case out.refused != nil:
		return s.listActionRefused(c, req, out.refused)
	case out.question != "":
		return s.confirmListAction(c, req, out)
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusOK, map[string]any{"ok": true, "message": out.message, "removed": out.removed})
	}
	setListStatus(c, out.message, s.isTLS(c))
	return c.Redirect(http.StatusSeeOther, req.returnURL)
}

// runListAction plans the action for each folder of the selection, asks
// for confirmation when something cannot be undone, and does it.
func runListAction(ctx context.Context, client *mail.Client, req listActionRequest, out *listOutcome) error {
	boxes, err := client.Mailboxes(ctx)
	if err != nil {
		return err
	}
	folders := newFolderFacts(boxes)
	plans := make([]listPlan, len(req.groups))
	skip := make([]bool, len(req.groups))
	count, skipped := req.count, 0
	for i, g := range req.groups {
		if !folders.exists[g.mailbox] {
			out.refused = badAction("That folder does not exist any more. Reload the page to see the current folders.")
			return nil
		}
		use := specialUseOf(boxes, g.mailbox)
		plans[i], err = planListAction(req.action, g.mailbox, use, folders, req.target)
		if err != nil && len(req.groups) > 1 && alreadyThere(req, g, use) {
			// Results from many folders: those already where they
			// should go stay; the others still go.
			skip[i], skipped, count = true, skipped+1, count-len(g.uids)
			continue
		}
		if err != nil {
			out.refused = err
			return nil
		}
		if plans[i].confirm && !req.confirmed {
			askListConfirmation(req, g, boxes, out)
			return nil
		}
	}
	if skipped == len(req.groups) {
		out.refused = badAction("The messages are in that folder already.")
		return nil
	}
	where := ""
	first := -1
	for i, g := range req.groups {
		if skip[i] {
			continue
		}
		if first < 0 {
			first = i
		}
		p := plans[i]
		if p.create != "" {
			name := specialDefaultName(p.create)
			if !folders.exists[name] {
				if err := client.CreateMailbox(ctx, name); err != nil && !errors.Is(err, mail.ErrMailboxExists) {
					if errors.Is(err, mail.ErrUnavailable) {
						return err
					}
					out.refused = &UserError{Status: http.StatusBadGateway, Title: "No " + name + " folder",
						Message: "There is no " + name + " folder, and the mail server would not create one. Nothing was changed.", Err: err}
					return nil
				}
				folders.exists[name] = true
			}
			p.moveTo = name
		}
		if err := applyListPlan(ctx, client, g, p); err != nil {
			return err
		}
		out.removed = out.removed || p.removes()
		switch {
		case p.moveTo != "":
			where = displayName(boxes, p.moveTo)
		case p.copyTo != "":
			where = displayName(boxes, p.copyTo)
		case p.empty:
			where = displayName(boxes, g.mailbox)
		}
		plans[i] = p
	}
	if where == "" && len(req.groups) > 0 {
		where = displayName(boxes, req.groups[0].mailbox)
	}
	out.message = listActionDone(req.action, count, plans[first], where)
	return nil
}

// alreadyThere reports whether g is refused only because its messages are
// where the action would put them.
func alreadyThere(req listActionRequest, g messageGroup, use string) bool {
	switch req.action {
	case listActMove, listActCopy:
		return g.mailbox == req.target
	case listActArchive:
		return use == "archive"
	}
	return false
}

// applyListPlan does p to the messages of g: flags first (so $Junk travels
// with the message), then copy, move, expunge or empty.
func applyListPlan(ctx context.Context, client *mail.Client, g messageGroup, p listPlan) error {
	if len(p.addFlags) > 0 {
		if err := client.SetFlags(ctx, g.mailbox, p.addFlags, true, g.uids...); err != nil {
			return err
		}
	}
	if len(p.removeFlags) > 0 {
		if err := client.SetFlags(ctx, g.mailbox, p.removeFlags, false, g.uids...); err != nil {
			return err
		}
	}
	switch {
	case p.copyTo != "":
		return client.Copy(ctx, g.mailbox, p.copyTo, g.uids...)
	case p.moveTo != "":
		return client.Move(ctx, g.mailbox, p.moveTo, g.uids...)
	case p.expunge:
		return client.Expunge(ctx, g.mailbox, g.uids...)
	case p.empty:
		return client.EmptyMailbox(ctx, g.mailbox)
	}
	return nil
}
