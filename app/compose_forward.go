package app

import (
	"context"
	"errors"
	"html"
	"io"
	"strings"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// ForwardInput names the message to forward; Attached forwards it whole
// as a message/rfc822 attachment instead of inline.
type ForwardInput struct {
	Original OriginalRef
	Attached bool
}

// Forward starts forwarding a message and returns the compose ID. Inline,
// the body quotes the original under the usual header block and its
// attachments are copied into the compose's uploads, streamed from IMAP
// into the attachment store; attached, the raw original is the one
// upload. The attachments count against the upload limit like any other.
func (a *App) Forward(ctx context.Context, sess *session.Session, in ForwardInput) (string, error) {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return "", err
	}
	var c store.Compose
	err = a.withIMAP(ctx, sess, func(client *mail.Client) error {
		orig, err := a.fetchOriginal(ctx, client, in.Original)
		if err != nil {
			return err
		}
		c, err = a.createCompose(ctx, owner, forwardCompose(owner, orig, in.Attached))
		if err != nil {
			return err
		}
		if in.Attached {
			return a.attachOriginal(ctx, client, c, orig)
		}
		return a.copyAttachments(ctx, client, c, orig)
	})
	if err != nil {
		if c.ID != "" {
			a.discardLogged(ctx, sess, owner, c.ID)
		}
		return "", err
	}
	return c.ID, nil
}

// forwardCompose is the forward of orig, without its attachments.
func forwardCompose(owner composeOwner, orig original, attached bool) store.Compose {
	msg := orig.msg
	ident := identityAddressed(owner, msg)
	c := store.Compose{
		Kind: store.ComposeForward, IdentityID: ident.ID,
		Subject:     mime.ForwardSubject(msg.Subject),
		OrigMailbox: orig.mailbox, OrigUID: orig.uid,
		// Threading headers keep a forward in the conversation for
		// programs that thread by References.
		References: strings.Join(replyReferences(msg), " "),
	}
	if attached {
		c.Kind = store.ComposeForwardAttached
		c.BodyText = withSignature("", ident)
		return c
	}
	var from mime.Address
	if len(msg.From) > 0 {
		from = msg.From[0]
	}
	intro := mime.ForwardIntro(from, msg.To, msg.Date, msg.Subject)
	c.BodyText = withSignature("\n\n"+intro+msg.Text, ident)
	if msg.HTML != "" {
		c.Format = store.FormatHTML
		c.BodyHTML = "<div><br></div><div>" + strings.ReplaceAll(html.EscapeString(intro), "\n", "<br>") + "</div>" +
			quotableHTML(msg) + htmlSignature(ident)
	}
	return c
}

// copyAttachments copies the original's attachments into the compose,
// each streamed from IMAP into the attachment store.
func (a *App) copyAttachments(ctx context.Context, client *mail.Client, c store.Compose, orig original) error {
	remaining := a.MaxUpload
	for _, part := range orig.msg.Parts {
		name := part.Filename
		if name == "" {
			name = "attachment"
		}
		f := uploadFile{name: name, contentType: uploadType(part.ContentType), inline: false}
		var up store.Upload
		err := a.copyPartTo(ctx, client, orig, part.ID, func(r io.Reader) error {
			f.body = r
			var err error
			up, err = a.storeUpload(ctx, c, f, remaining)
			return err
		})
		if err != nil {
			return err
		}
		remaining -= up.Size
	}
	return nil
}

// copyPartTo hands one part's decoded bytes to consume as they come from
// IMAP. A part the server may see differently from our parser (see
// mail.StreamPart) is taken from the message already fetched instead.
func (a *App) copyPartTo(ctx context.Context, client *mail.Client, orig original, partID string, consume func(io.Reader) error) error {
	pr, pw := io.Pipe()
	consumed := make(chan error, 1)
	go func() {
		err := consume(pr)
		pr.CloseWithError(err)
		consumed <- err
	}()
	_, err := client.StreamPart(ctx, orig.mailbox, orig.uid, []string{partID}, func(mime.Part) io.Writer { return pw })
	pw.CloseWithError(err)
	consumeErr := <-consumed
	if errors.Is(err, mail.ErrNotStreamable) {
		_, content, perr := mime.PartContent(orig.raw, partID)
		if perr != nil {
			return perr
		}
		return consume(strings.NewReader(string(content)))
	}
	if consumeErr != nil {
		return consumeErr
	}
	return err
}

// attachOriginal stores the raw original as the compose's one upload,
// streamed from IMAP.
func (a *App) attachOriginal(ctx context.Context, client *mail.Client, c store.Compose, orig original) error {
	name := strings.TrimSpace(orig.msg.Subject)
	if name == "" {
		name = "forwarded"
	}
	pr, pw := io.Pipe()
	stored := make(chan error, 1)
	go func() {
		_, err := a.storeUpload(ctx, c, uploadFile{name: name + ".eml", contentType: "message/rfc822", body: pr}, a.MaxUpload)
		pr.CloseWithError(err)
		stored <- err
	}()
	_, err := client.StreamRaw(ctx, orig.mailbox, orig.uid, func(int64) io.Writer { return pw })
	pw.CloseWithError(err)
	if storeErr := <-stored; storeErr != nil {
		return storeErr
	}
	return err
}
