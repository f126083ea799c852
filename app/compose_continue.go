package app

import (
	"context"
	"strings"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// ContinueDraft opens a message of the Drafts folder for writing and
// returns the compose ID: the compose that saved that very copy if it is
// still open (another tab, another instance), else a new compose loaded
// from the message, attachments included, that replaces the copy on its
// next save.
func (a *App) ContinueDraft(ctx context.Context, sess *session.Session, ref OriginalRef) (string, error) {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return "", err
	}
	open, err := a.DB.ListOpenComposes(ctx, owner.user.ID)
	if err != nil {
		return "", storeError(err)
	}
	for _, c := range open {
		if c.DraftMailbox == ref.Mailbox && c.DraftUID == ref.UID {
			return c.ID, nil
		}
	}
	var c store.Compose
	err = a.withIMAP(ctx, sess, func(client *mail.Client) error {
		orig, err := a.fetchOriginal(ctx, client, ref)
		if err != nil {
			return err
		}
		c, err = a.createCompose(ctx, owner, draftCompose(owner, orig))
		if err != nil {
			return err
		}
		if err := a.copyAttachments(ctx, client, c, orig); err != nil {
			return err
		}
		_, _, err = a.DB.SetComposeDraft(ctx, c.ID, owner.user.ID, ref.Mailbox, ref.UID)
		return err
	})
	if err != nil {
		if c.ID != "" {
			// Not discard: that would delete the draft being continued.
			_ = a.DB.DeleteCompose(ctx, c.ID, owner.user.ID)
		}
		return "", err
	}
	return c.ID, nil
}

// draftCompose is a compose holding what a saved draft says.
func draftCompose(owner composeOwner, orig original) store.Compose {
	msg := orig.msg
	c := store.Compose{
		Kind:        store.ComposeDraft,
		To:          formatAddressList(msg.To),
		Cc:          formatAddressList(msg.Cc),
		Bcc:         strings.Join(headerValues(msg, "Bcc"), ", "),
		Subject:     oneLine(msg.Subject),
		BodyText:    msg.Text,
		OrigMailbox: orig.mailbox, OrigUID: orig.uid,
		References: strings.Join(msg.References, " "),
	}
	if len(msg.InReplyTo) > 0 {
		c.InReplyTo = msg.InReplyTo[0]
	}
	if len(msg.From) > 0 {
		for _, ident := range owner.identities {
			if strings.EqualFold(ident.Email, msg.From[0].Email) {
				c.IdentityID = ident.ID
			}
		}
	}
	if msg.HTML != "" {
		c.Format, c.BodyHTML = store.FormatHTML, quotableHTML(msg)
	}
	for _, v := range headerValues(msg, "X-Priority") {
		if v = strings.TrimSpace(v); v != "" && v[0] >= '1' && v[0] <= '5' {
			c.Priority = int(v[0] - '0')
		}
	}
	c.ReadReceipt = len(headerValues(msg, "Disposition-Notification-To")) > 0
	return c
}
