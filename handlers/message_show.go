package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/htmlsafe"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/templates/pages"
)

// showMessage shows one message at /mail/{mailbox}/{uid}: headers, body,
// attachments, the actions and the neighbours for j/k. Opening it marks
// it read, unless the user's mark-read delay hands that to message.js (or
// turns it off).
func (s *Server) showMessage(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	prefs := s.readerPrefs(c)
	var (
		boxes []mail.Mailbox
		raw   []byte
		nav   mail.MessageNav
	)
	err = s.withIMAP(c, func(client *mail.Client) error {
		ctx := c.Request().Context()
		var err error
		if raw, err = client.FetchRaw(ctx, mailbox, uid, s.MaxMessageBytes); err != nil {
			return err
		}
		if prefs.markReadDelay == 0 && !crossSite(c) {
			if err := client.SetSeen(ctx, mailbox, true, uid); err != nil {
				return err
			}
		}
		if nav, err = client.MessageNav(ctx, mailbox, uid); err != nil {
			return err
		}
		boxes, err = client.Mailboxes(ctx)
		return err
	})
	if err != nil {
		return err
	}
	msg := s.parseForDisplay(c, raw)
	base := messageURL(mailbox, uid)
	view := s.messageView(c, msg, messageLinks{
		page:     base,
		body:     base + "/body",
		raw:      base + "/raw",
		partBase: base + "/part/",
		trust:    base + "/trust-sender",
	}, prefs.userID)
	view.Folders = folderItems(boxes, mailbox)
	view.BackURL = mailboxURL(mailbox)
	view.SourceURL = base + "/source"
	view.PrintURL = base + "/print"
	if view.ImagesShown {
		view.PrintURL += "?images=1"
	}
	if nav.Newer != 0 {
		view.NewerURL = messageURL(mailbox, nav.Newer)
	}
	if nav.Older != 0 {
		view.OlderURL = messageURL(mailbox, nav.Older)
	}
	view.Status = actionStatus(c.QueryParam("done"))
	view.Actions = messageActions(base, mailbox, boxes, nav)
	if (prefs.markReadDelay > 0 || crossSite(c) && prefs.markReadDelay == 0) && !nav.Seen {
		view.MarkReadURL = base + "/actions"
		view.MarkReadAfter = max(prefs.markReadDelay, 1)
	}
	return render(c, http.StatusOK, pages.Message(view))
}

// parseForDisplay parses raw. ParseMessage degrades instead of failing; if
// it does fail (an internal bug it caught), the message still shows, with
// a pointer to the download.
func (s *Server) parseForDisplay(c echo.Context, raw []byte) *mime.Message {
	msg, err := mime.ParseMessage(raw)
	if err != nil {
		s.Logger.Warn("message parse failed", "request_id", reqID(c), "err", err)
		return &mime.Message{Text: "This message could not be read. Use \"Download .eml\" to open it in another program."}
	}
	return msg
}

// messageLinks are the URLs of one message's views, for a message in a
// mailbox and for a message attached to another alike.
type messageLinks struct {
	page     string // the message page itself (remote images are asked for with ?images=1)
	body     string // the sandboxed HTML body document
	raw      string // the .eml download
	partBase string // a part's download URL is partBase + partPrefix + part ID
	prefix   string // "" in a mailbox message; "2:" in the message attached as part 2
	trust    string // POST target for "always show images from this sender"
	part     string // the attached message's part path, "" for a mailbox message
}

// messageView fills the view model parts every message shows: headers,
// body, remote-content choice and attachments.
func (s *Server) messageView(c echo.Context, msg *mime.Message, links messageLinks, userID int64) pages.MessageView {
	view := pages.MessageView{
		Frame:   s.frame(c, subjectOrPlaceholder(msg.Subject)),
		Subject: subjectOrPlaceholder(msg.Subject),
		From:    addressList(msg.From),
		To:      addressList(msg.To),
		Cc:      addressList(msg.Cc),
		Date:    fullDate(msg.Date),
		RawURL:  links.raw,
	}
	if view.From == "" {
		view.From = "(unknown sender)"
	}
	if reply := addressList(msg.ReplyTo); reply != "" && reply != view.From {
		view.ReplyTo = reply
	}
	for _, h := range msg.Headers {
		view.Headers = append(view.Headers, pages.HeaderLine{Name: h.Key, Value: h.Value})
	}
	if msg.HTML != "" {
		s.chooseRemoteContent(c, &view, msg, links, userID)
	} else {
		text := msg.Text
		if text == "" {
			text = "(This message has no text.)"
		}
		view.TextHTML = htmlsafe.LinkifyText(text)
	}
	view.Attachments = attachmentItems(msg, links)
	return view
}

// chooseRemoteContent decides whether the HTML body loads remote images:
// when the user asked (?images=1) or trusts the sender. Otherwise, when
// the body has remote content, the page says it was blocked and offers
// both ways to show it.
func (s *Server) chooseRemoteContent(c echo.Context, view *pages.MessageView, msg *mime.Message, links messageLinks, userID int64) {
	view.BodyURL = links.body
	sender := firstEmail(msg.From)
	show := c.QueryParam("images") == "1"
	if !show {
		if _, blocked := htmlsafe.Sanitize(msg.HTML, htmlsafe.Options{}); blocked {
			if userID != 0 && sender != "" && s.senderTrusted(c, userID, sender) {
				show = true
				view.Trust = &pages.SenderTrust{Sender: sender, URL: links.trust, Part: links.part, Trusted: true}
			} else {
				view.BlockedRemote = true
				view.ShowImagesURL = links.page + "?images=1"
				if userID != 0 && sender != "" && links.trust != "" {
					view.Trust = &pages.SenderTrust{Sender: sender, URL: links.trust, Part: links.part}
				}
			}
		}
	}
	if show {
		view.BodyURL += "?images=1"
		view.ImagesShown = true
	}
}

// firstEmail is the first sender's address, lower-cased; "" when there is
// none that looks like an address.
func firstEmail(addrs []mime.Address) string {
	for _, a := range addrs {
		email := strings.ToLower(strings.TrimSpace(a.Email))
		if validSender(email) {
			return email
		}
	}
	return ""
}

// messageActions describes the action form for a message in mailbox.
func messageActions(base, mailbox string, boxes []mail.Mailbox, nav mail.MessageNav) *pages.MessageAction {
	a := &pages.MessageAction{URL: base + "/actions", Flagged: nav.Flagged}
	switch {
	case nav.Older != 0:
		a.NextUID = strconv.FormatUint(uint64(nav.Older), 10)
	case nav.Newer != 0:
		a.NextUID = strconv.FormatUint(uint64(nav.Newer), 10)
	}
	// Archive creates the folder when it is missing, as on the list.
	a.HasArchive = true
	a.Targets = folderTargets(boxes, mailbox)
	switch app.SpecialUse(boxes, mailbox) {
	case "trash":
		a.InTrash = true
	case "junk":
		a.InJunk = true
	case "archive":
		a.InArchive = true
	}
	return a
}

// crossSite reports a navigation another site started (a link in a mail
// from elsewhere, a redirect). A GET must not change state for it: the
// page then marks the message read itself, with a CSRF-checked POST.
func crossSite(c echo.Context) bool {
	return c.Request().Header.Get("Sec-Fetch-Site") == "cross-site"
}
