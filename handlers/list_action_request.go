package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// listActionRequest is a parsed action form: the action for the
// application, and where to go back to.
type listActionRequest struct {
	app.ListAction
	returnURL string
}

// formRefused is an action form that cannot be read.
func formRefused(msg string) error {
	return &UserError{Status: http.StatusBadRequest, Title: "Cannot do that", Message: msg}
}

// readListActionRequest parses the form: action, uid (messages of the
// path's {mailbox}), msg ("{escaped mailbox}/{uid}"), target, confirm and
// return.
func readListActionRequest(c echo.Context) (listActionRequest, error) {
	req := listActionRequest{ListAction: app.ListAction{
		Action: c.FormValue("action"), Target: c.FormValue("target"), Confirmed: c.FormValue("confirm") == "yes",
	}}
	if c.Param("mailbox") != "" {
		mailbox, err := mailboxParam(c)
		if err != nil {
			return req, err
		}
		req.Mailbox = mailbox
	}
	fallback := "/mail/INBOX"
	if req.Mailbox != "" {
		fallback = mailboxURL(req.Mailbox)
	}
	req.returnURL = safeListReturn(c.FormValue("return"), fallback)
	form, err := c.FormParams()
	if err != nil {
		return req, formRefused("The form could not be read. Reload the page and try again.")
	}
	if star, ok := starPressed(form); ok {
		// A row's star acts on its message alone, whatever is selected.
		req.Action = star.action
		uids, msgs := star.selection()
		req.Groups, err = selectedMessages(req.Mailbox, uids, msgs)
		return req, err
	}
	if len(form["uid"])+len(form["msg"]) > app.MaxSelection {
		return req, formRefused("That is too many messages for one action. Select fewer and try again.")
	}
	req.Groups, err = selectedMessages(req.Mailbox, form["uid"], form["msg"])
	return req, err
}

// rowStar is the star of one row, pressed: the form field star-flag or
// star-unflag names its message as the row's checkbox does (a UID, or
// "{escaped mailbox}/{uid}" in results from many folders).
type rowStar struct {
	action  string
	message string
}

// starPressed finds the star a form was submitted with, if any.
func starPressed(form url.Values) (rowStar, bool) {
	for _, action := range []string{"flag", "unflag"} {
		if v := form.Get("star-" + action); v != "" {
			return rowStar{action: action, message: v}, true
		}
	}
	return rowStar{}, false
}

// selection is the star's message as the uid or msg field.
func (s rowStar) selection() (uids, msgs []string) {
	if strings.Contains(s.message, "/") {
		return nil, []string{s.message}
	}
	return []string{s.message}, nil
}

// selectedMessages groups the selection by folder, each message once.
func selectedMessages(mailbox string, uids, msgs []string) ([]app.MessageGroup, error) {
	var groups []app.MessageGroup
	seen := map[string]map[uint32]bool{}
	add := func(mailbox string, uid uint32) {
		if seen[mailbox] == nil {
			seen[mailbox] = map[uint32]bool{}
			groups = append(groups, app.MessageGroup{Mailbox: mailbox})
		}
		if seen[mailbox][uid] {
			return
		}
		seen[mailbox][uid] = true
		for i := range groups {
			if groups[i].Mailbox == mailbox {
				groups[i].UIDs = append(groups[i].UIDs, uid)
			}
		}
	}
	bad := formRefused("The selection could not be read. Reload the page and try again.")
	for _, v := range uids {
		uid, err := strconv.ParseUint(v, 10, 32)
		if err != nil || uid == 0 || mailbox == "" {
			return nil, bad
		}
		add(mailbox, uint32(uid))
	}
	for _, v := range msgs {
		i := strings.LastIndexByte(v, '/')
		if i <= 0 {
			return nil, bad
		}
		mailbox, err := url.PathUnescape(v[:i])
		uid, uerr := strconv.ParseUint(v[i+1:], 10, 32)
		if err != nil || uerr != nil || uid == 0 || mailbox == "" {
			return nil, bad
		}
		add(mailbox, uint32(uid))
	}
	return groups, nil
}

// safeListReturn is where an action goes back to: a list or search page
// of this site, never another site (an open redirect).
func safeListReturn(raw, fallback string) string {
	if raw == "" || !strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, "//") || strings.ContainsAny(raw, "\\\r\n") {
		return fallback
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	if !strings.HasPrefix(u.EscapedPath(), "/mail/") && u.Path != "/search" {
		return fallback
	}
	u.Fragment = ""
	return u.RequestURI()
}
