package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/templates/pages"
)

// showMessage shows one message at /mail/{mailbox}/{uid} and marks it read.
func (s *Server) showMessage(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	var boxes []mail.Mailbox
	var raw []byte
	err = s.withIMAP(c, func(client *mail.Client) error {
		ctx := c.Request().Context()
		var err error
		if raw, err = client.FetchRaw(ctx, mailbox, uid, s.MaxMessageBytes); err != nil {
			return err
		}
		if err := client.SetSeen(ctx, mailbox, true, uid); err != nil {
			return err
		}
		boxes, err = client.Mailboxes(ctx)
		return err
	})
	if err != nil {
		return err
	}
	msg, err := mail.ParseMessage(raw)
	if err != nil {
		// ParseMessage degrades instead of failing; if it does fail, the
		// message is still downloadable.
		s.Logger.Warn("message parse failed", "request_id", reqID(c), "err", err)
		msg = &mail.Message{Text: "This message could not be read. Use \"Download .eml\" to open it in another program."}
	}
	showImages := c.QueryParam("images") == "1"
	base := messageURL(mailbox, uid)
	view := pages.MessageView{
		Frame:   s.frame(c, subjectOrPlaceholder(msg.Subject)),
		Folders: folderItems(boxes, mailbox),
		BackURL: mailboxURL(mailbox),
		Subject: subjectOrPlaceholder(msg.Subject),
		From:    addressList(msg.From),
		To:      addressList(msg.To),
		Cc:      addressList(msg.Cc),
		Date:    fullDate(msg.Date),
		RawURL:  base + "/raw",
	}
	if view.From == "" {
		view.From = "(unknown sender)"
	}
	if msg.HTML != "" {
		view.BodyURL = base + "/body"
		if showImages {
			view.BodyURL += "?images=1"
		} else {
			_, view.BlockedRemote = mail.SanitizeHTML(msg.HTML, mail.SanitizeOptions{})
			view.ShowImagesURL = base + "?images=1"
		}
	} else {
		text := msg.Text
		if text == "" {
			text = "(This message has no text.)"
		}
		view.TextHTML = mail.LinkifyText(text)
	}
	for _, p := range msg.Parts {
		if p.Inline && p.ContentID != "" && msg.HTML != "" {
			continue // shown inside the HTML body
		}
		name := mail.SafeFilename(p.Filename, fmt.Sprintf("part-%s", p.ID))
		view.Attachments = append(view.Attachments, pages.Attachment{
			Name:        name,
			ContentType: p.ContentType,
			Size:        formatSize(p.Size),
			URL:         base + "/part/" + p.ID,
		})
	}
	return render(c, http.StatusOK, pages.Message(view))
}
