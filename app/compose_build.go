package app

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/webmail/webmail/mail/htmlsafe"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/store"
)

// composeMessage is the message compose c makes: for the Drafts folder
// (draft) or to send. From, Reply-To and (when sending) Bcc come from the
// chosen identity; the HTML's inline images become cid: references to
// their uploads; every attachment is opened from the attachment store
// only while the message is written. Addresses are parsed strictly: a
// wrong one is a *mime.AddressError that names it.
func (a *App) composeMessage(ctx context.Context, owner composeOwner, c store.Compose, uploads []store.Upload, draft bool) (mime.Outgoing, error) {
	ident := owner.identity(c.IdentityID)
	out := mime.Outgoing{
		From:      mime.Address{Name: ident.Name, Email: strings.TrimSpace(ident.Email)},
		Subject:   c.Subject,
		Text:      c.BodyText,
		InReplyTo: c.InReplyTo,
		Priority:  priorityOf(c.Priority),
	}
	if c.References != "" {
		out.References = strings.Fields(c.References)
	}
	fields := []struct {
		name  string
		value string
		dst   *[]mime.Address
	}{{"To", c.To, &out.To}, {"Cc", c.Cc, &out.Cc}, {"Bcc", c.Bcc, &out.Bcc}, {"Reply-To", ident.ReplyTo, &out.ReplyTo}}
	for _, f := range fields {
		list, err := mime.ParseRecipients(f.name, f.value)
		if err != nil {
			return mime.Outgoing{}, err
		}
		*f.dst = list
	}
	if !draft && strings.TrimSpace(ident.Bcc) != "" {
		list, err := mime.ParseRecipients("Bcc", ident.Bcc)
		if err != nil {
			return mime.Outgoing{}, err
		}
		out.Bcc = append(out.Bcc, list...)
	}
	if c.ReadReceipt {
		out.ReadReceiptTo = out.From
	}
	if c.Format == store.FormatHTML && strings.TrimSpace(c.BodyHTML) != "" {
		out.HTML = inlineImagesAsCID(c.BodyHTML, c.ID, uploads)
	}
	for _, u := range uploads {
		open := a.openUpload(ctx, u.StoreKey)
		if u.ContentType == "message/rfc822" {
			out.ForwardedMessages = append(out.ForwardedMessages, mime.ForwardedMessage{Filename: u.Filename, Open: open})
			continue
		}
		out.Attachments = append(out.Attachments, mime.Attachment{
			Filename: u.Filename, ContentType: u.ContentType, ContentID: u.ContentID, Open: open,
		})
	}
	return out, nil
}

// openUpload opens an upload's bytes in the attachment store.
func (a *App) openUpload(ctx context.Context, key string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		r, _, err := a.Attachments.Get(ctx, key)
		return r, err
	}
}

// priorityOf maps the stored X-Priority to the builder's.
func priorityOf(p int) mime.Priority {
	switch {
	case p == 0 || p == 3:
		return mime.PriorityNormal
	case p < 3:
		return mime.PriorityHigh
	}
	return mime.PriorityLow
}

// uploadURLPattern finds the URLs the editor shows inline images by:
// /compose/{id}/attachments/{upload}, maybe with the origin in front.
var uploadURLPattern = regexp.MustCompile(`(?:https?://[^/"'\s]+)?/compose/([A-Za-z0-9]{16,64})/attachments/([A-Za-z0-9]{16,64})`)

// inlineImagesAsCID turns the editor's upload URLs into the cid:
// references of the message.
func inlineImagesAsCID(html, composeID string, uploads []store.Upload) string {
	cids := map[string]string{}
	for _, u := range uploads {
		if u.ContentID != "" {
			cids[u.ID] = u.ContentID
		}
	}
	return uploadURLPattern.ReplaceAllStringFunc(html, func(m string) string {
		sub := uploadURLPattern.FindStringSubmatch(m)
		if cid, ok := cids[sub[2]]; ok && sub[1] == composeID {
			return "cid:" + cid
		}
		return m
	})
}

// UploadURL is where the owner's browser reads an upload of a compose
// (inline images in the editor, the attachment list).
func UploadURL(composeID, uploadID string) string {
	return "/compose/" + composeID + "/attachments/" + uploadID
}

// cleanComposeHTML is what is kept of the HTML the editor sent: the
// allow-listed tags and attributes, mailto: links as they are, remote
// images allowed (the user put them there), and inline images only
// when they are this compose's uploads, by their upload URL.
func cleanComposeHTML(html, composeID string, uploads []store.Upload) string {
	if strings.TrimSpace(html) == "" {
		return ""
	}
	ids := map[string]bool{}
	for _, u := range uploads {
		ids[u.ID] = true
	}
	// The sanitizer drops relative URLs it did not make itself; as cid:
	// references they come back through CIDURL, checked.
	html = uploadURLPattern.ReplaceAllStringFunc(html, func(m string) string {
		sub := uploadURLPattern.FindStringSubmatch(m)
		if sub[1] == composeID && ids[sub[2]] {
			return "cid:" + sub[2]
		}
		return m
	})
	safe, _ := htmlsafe.Sanitize(html, htmlsafe.Options{
		AllowRemote: true, KeepMailto: true, DropStyleBlocks: true,
		CIDURL: func(cid string) string {
			if ids[cid] {
				return UploadURL(composeID, cid)
			}
			return ""
		},
	})
	return safe
}

// buildToStore writes a message with build straight into the attachment
// store under key, through a pipe, and returns its size: the message is
// never whole in memory. Sending builds the message once this way
// (outbox/{userID}/{outboxID}).
func (a *App) buildToStore(ctx context.Context, key string, build func(io.Writer) error) (int64, error) {
	pr, pw := io.Pipe()
	built := make(chan error, 1)
	go func() {
		err := build(pw)
		pw.CloseWithError(err)
		built <- err
	}()
	counter := &countingReader{r: pr}
	putErr := a.Attachments.Put(ctx, key, counter, -1, "message/rfc822")
	pr.CloseWithError(fmt.Errorf("app: store closed: %w", io.ErrClosedPipe))
	if buildErr := <-built; buildErr != nil {
		a.deleteObject(ctx, key)
		return 0, buildErr
	}
	if putErr != nil {
		a.deleteObject(ctx, key)
		return 0, fmt.Errorf("app: store message %s: %w", key, putErr)
	}
	return counter.n, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
