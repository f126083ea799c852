package handlers

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// maxSelection bounds the messages one action names.
const maxSelection = 5000

// messageGroup is the selected messages of one folder.
type messageGroup struct {
	mailbox string
	uids    []uint32
}

// listActionRequest is a parsed action form.
type listActionRequest struct {
	action    string
	mailbox   string // the folder of the list, from the path; "" for /actions
	groups    []messageGroup
	count     int
	target    string
	confirmed bool
	returnURL string
}

// readListActionRequest parses and checks the form.
func readListActionRequest(c echo.Context) (listActionRequest, error) {
	req := listActionRequest{action: c.FormValue("action"), target: c.FormValue("target"), confirmed: c.FormValue("confirm") == "yes"}
	if c.Param("mailbox") != "" {
		mailbox, err := mailboxParam(c)
		if err != nil {
			return req, err
		}
		req.mailbox = mailbox
	}
	fallback := "/mail/INBOX"
	if req.mailbox != "" {
		fallback = mailboxURL(req.mailbox)
	}
	req.returnURL = safeListReturn(c.FormValue("return"), fallback)
	form, err := c.FormParams()
	if err != nil {
		return req, badAction("The form could not be read. Reload the page and try again.")
	}
	seen := map[string]map[uint32]bool{}
	add := func(mailbox string, uid uint32) {
		if seen[mailbox] == nil {
			seen[mailbox] = map[uint32]bool{}
			req.groups = append(req.groups, messageGroup{mailbox: mailbox})
		}
		if seen[mailbox][uid] {
			return
		}
		seen[mailbox][uid] = true
		for i := range req.groups {
			if req.groups[i].mailbox == mailbox {
				req.groups[i].uids = append(req.groups[i].uids, uid)
			}
		}
		req.count++
	}
	if len(form["uid"])+len(form["msg"]) > maxSelection {
		return req, badAction("That is too many messages for one action. Select fewer and try again.")
	}
	bad := badAction("The selection could not be read. Reload the page and try again.")
	for _, v := range form["uid"] {
		uid, err := strconv.ParseUint(v, 10, 32)
		if err != nil || uid == 0 || req.mailbox == "" {
			return req, bad
		}
		add(req.mailbox, uint32(uid))
	}
	for _, v := range form["msg"] {
		i := strings.LastIndexByte(v, '/')
		if i <= 0 {
			return req, bad
		}
		mailbox, err := url.PathUnescape(v[:i])
		uid, uerr := strconv.ParseUint(v[i+1:], 10, 32)
		if err != nil || uerr != nil || uid == 0 || mailbox == "" {
			return req, bad
		}
		add(mailbox, uint32(uid))
	}
	if req.action == listActEmpty {
		if req.mailbox == "" {
			return req, badAction("Open the folder to empty it.")
		}
		req.groups = []messageGroup{{mailbox: req.mailbox}}
		req.count = 0
	} else if req.count == 0 {
		return req, badAction("Select at least one message first.")
	}
	return req, nil
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
