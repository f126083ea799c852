package app

import (
	"context"
	"html"
	"strings"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/htmlsafe"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// ReplyInput names the message to answer; All answers everyone it was
// sent to as well as its sender.
type ReplyInput struct {
	Original OriginalRef
	All      bool
}

// Reply starts a reply to a message and returns the compose ID: the
// sender (or its Reply-To) as recipient, with reply-all the other
// recipients too but never any of the user's own addresses; "Re:" once;
// In-Reply-To and References; the original quoted; and the identity the
// original was sent to.
func (a *App) Reply(ctx context.Context, sess *session.Session, in ReplyInput) (string, error) {
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return "", err
	}
	var orig original
	err = a.withIMAP(ctx, sess, func(client *mail.Client) error {
		orig, err = a.fetchOriginal(ctx, client, in.Original)
		return err
	})
	if err != nil {
		return "", err
	}
	c := replyCompose(owner, orig.msg, in.All)
	c.OrigMailbox, c.OrigUID = orig.mailbox, orig.uid
	created, err := a.createCompose(ctx, owner, c)
	if err != nil {
		return "", err
	}
	return created.ID, nil
}

// replyCompose is the reply to msg, without the original's location.
func replyCompose(owner composeOwner, msg *mime.Message, all bool) store.Compose {
	ident := identityAddressed(owner, msg)
	to, cc := replyRecipients(owner, msg, all)
	c := store.Compose{
		Kind:       store.ComposeReply,
		IdentityID: ident.ID,
		To:         formatAddressList(to),
		Cc:         formatAddressList(cc),
		Subject:    mime.ReplySubject(msg.Subject),
		InReplyTo:  msg.MessageID,
		References: strings.Join(replyReferences(msg), " "),
	}
	if all {
		c.Kind = store.ComposeReplyAll
	}
	var from mime.Address
	if len(msg.From) > 0 {
		from = msg.From[0]
	}
	attribution := mime.ReplyAttribution(msg.Date, from)
	c.BodyText = withSignature("\n\n"+mime.QuoteText(msg.Text, attribution), ident)
	if msg.HTML != "" {
		c.Format = store.FormatHTML
		c.BodyHTML = "<div><br></div><div>" + html.EscapeString(attribution) + "</div>" +
			`<blockquote type="cite">` + quotableHTML(msg) + "</blockquote>" + htmlSignature(ident)
	}
	return c
}

// quotableHTML is the original's body as HTML safe to put inside our own
// document: sanitized, without its style blocks (they would restyle the
// editor) or remote images.
func quotableHTML(msg *mime.Message) string {
	if msg.HTML == "" {
		return "<pre>" + html.EscapeString(msg.Text) + "</pre>"
	}
	safe, _ := htmlsafe.Sanitize(msg.HTML, htmlsafe.Options{DropStyleBlocks: true, KeepMailto: true})
	return safe
}

// htmlSignature is the identity's signature for a rich-text body: its
// HTML signature, sanitized, or its text one escaped.
func htmlSignature(ident store.Identity) string {
	if sig := strings.TrimSpace(ident.SignatureHTML); sig != "" {
		safe, _ := htmlsafe.Sanitize(sig, htmlsafe.Options{DropStyleBlocks: true, KeepMailto: true, AllowRemote: true})
		return "<div><br></div><div>-- </div>" + safe
	}
	if sig := strings.TrimSpace(ident.SignatureText); sig != "" {
		return "<div><br></div><div>-- </div><div>" + strings.ReplaceAll(html.EscapeString(sig), "\n", "<br>") + "</div>"
	}
	return ""
}

// replyRecipients are the To and Cc of a reply: Reply-To or From; with
// all, also the original's To and Cc. The user's own addresses never
// appear, nor does anyone twice. A reply to one's own message goes to
// its recipients instead, as mail programs do.
func replyRecipients(owner composeOwner, msg *mime.Message, all bool) (to, cc []mime.Address) {
	seen := map[string]bool{}
	add := func(dst []mime.Address, list []mime.Address) []mime.Address {
		for _, a := range list {
			key := strings.ToLower(strings.TrimSpace(a.Email))
			if key == "" || seen[key] || owner.isOwnAddress(key) {
				continue
			}
			seen[key] = true
			dst = append(dst, a)
		}
		return dst
	}
	primary := msg.ReplyTo
	if len(primary) == 0 {
		primary = msg.From
	}
	fromSelf := len(msg.From) > 0 && owner.isOwnAddress(msg.From[0].Email)
	if fromSelf && len(msg.ReplyTo) == 0 {
		primary = msg.To
	}
	to = add(nil, primary)
	if all {
		if !fromSelf {
			to = add(to, msg.To)
		}
		cc = add(nil, msg.Cc)
	}
	return to, cc
}

// replyReferences is the References of a reply: the original's, then its
// own Message-ID (RFC 5322 3.6.4).
func replyReferences(msg *mime.Message) []string {
	refs := append([]string(nil), msg.References...)
	if len(refs) == 0 && len(msg.InReplyTo) == 1 {
		refs = append(refs, msg.InReplyTo...)
	}
	if msg.MessageID != "" {
		refs = append(refs, msg.MessageID)
	}
	return refs
}

// identityAddressed is the identity a message was sent to (To, Cc,
// Delivered-To, X-Original-To), else the first.
func identityAddressed(owner composeOwner, msg *mime.Message) store.Identity {
	var addressed []string
	for _, list := range [][]mime.Address{msg.To, msg.Cc} {
		for _, a := range list {
			addressed = append(addressed, a.Email)
		}
	}
	for _, name := range []string{"Delivered-To", "X-Original-To"} {
		for _, v := range headerValues(msg, name) {
			addressed = append(addressed, strings.Trim(strings.TrimSpace(v), "<>"))
		}
	}
	for _, email := range addressed {
		for _, ident := range owner.identities {
			if strings.EqualFold(strings.TrimSpace(email), strings.TrimSpace(ident.Email)) {
				return ident
			}
		}
	}
	return owner.identity(0)
}
