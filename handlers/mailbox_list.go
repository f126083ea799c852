package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/templates/pages"
)

// showHome sends a logged-in user to the inbox.
func (s *Server) showHome(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, "/mail/INBOX")
}

// listMessages shows page N of a mailbox at /mail/{mailbox}?page=N.
func (s *Server) listMessages(c echo.Context) error {
	mailbox, err := mailboxParam(c)
	if err != nil {
		return err
	}
	page := 1
	if p := c.QueryParam("page"); p != "" {
		page, err = strconv.Atoi(p)
		if err != nil || page < 1 || page > 1_000_000 {
			return &UserError{Status: http.StatusBadRequest, Title: "Bad page number", Message: "That page number is not valid."}
		}
	}
	var boxes []mail.Mailbox
	var list mail.Page
	err = s.withIMAP(c, func(client *mail.Client) error {
		ctx := c.Request().Context()
		var err error
		if boxes, err = client.Mailboxes(ctx); err != nil {
			return err
		}
		list, err = client.ListMessages(ctx, mailbox, page, s.PageSize)
		return err
	})
	if err != nil {
		return err
	}
	now := time.Now()
	view := pages.MailboxView{
		Frame:   s.frame(c, displayName(boxes, mailbox)),
		Folders: folderItems(boxes, mailbox),
		Mailbox: displayName(boxes, mailbox),
		Total:   list.Total,
		Unseen:  list.Unseen,
		Page:    page,
		Pages:   list.Pages,
	}
	if page > 1 {
		view.PrevURL = pageURL(mailbox, min(page-1, max(list.Pages, 1)))
	}
	if page < list.Pages {
		view.NextURL = pageURL(mailbox, page+1)
	}
	for _, m := range list.Messages {
		view.Messages = append(view.Messages, pages.MessageRow{
			URL:        messageURL(mailbox, m.UID),
			From:       senderName(m.From),
			Subject:    subjectOrPlaceholder(m.Subject),
			Date:       listDate(m.Date, now),
			DateTitle:  fullDate(m.Date),
			Size:       formatSize(m.Size),
			Unread:     !m.Seen,
			Flagged:    m.Flagged,
			Answered:   m.Answered,
			Attachment: m.HasAttachments,
		})
	}
	return render(c, http.StatusOK, pages.Mailbox(view))
}
