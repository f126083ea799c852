package app

import (
	"context"
	"strings"

	"github.com/webmail/webmail/mail/htmlsafe"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/plugins"
	"github.com/webmail/webmail/store"
)

// beforeSend runs the plugins' BeforeSend hooks over the message about to
// be sent: a veto is a CodeInvalid the compose page shows; the hooks'
// bodies and extra headers replace the message's.
func (a *App) beforeSend(ctx context.Context, user store.User, out *mime.Outgoing, sendAnyway bool) error {
	if a.Plugins == nil {
		return nil
	}
	prefs, err := a.DB.Prefs(store.WithPrimaryReads(ctx), user.ID)
	if err != nil {
		return storeError(err)
	}
	msg := &plugins.Outgoing{Prefs: prefs,
		User: user.Email, From: out.From.Email,
		To: emails(out.To), Cc: emails(out.Cc), Bcc: emails(out.Bcc),
		Subject: out.Subject, Text: out.Text, HTML: out.HTML, SendAnyway: sendAnyway,
	}
	if msg.Text == "" && msg.HTML != "" {
		// What the recipient's text part will say, for hooks that read it.
		msg.Text = mime.HTMLToText(msg.HTML)
	}
	textBefore := msg.Text
	for _, att := range out.Attachments {
		msg.AttachmentNames = append(msg.AttachmentNames, att.Filename)
	}
	for _, fwd := range out.ForwardedMessages {
		msg.AttachmentNames = append(msg.AttachmentNames, fwd.Filename)
	}
	if err := a.Plugins.BeforeSend(ctx, msg); err != nil {
		return vetoError("Not sent", err)
	}
	if msg.Text != textBefore {
		out.Text = msg.Text
	}
	if msg.HTML != out.HTML {
		out.HTML = resanitize(out.HTML, msg.HTML)
	}
	for _, h := range msg.Headers {
		if strings.HasPrefix(strings.ToLower(h.Name), "x-") {
			out.ExtraHeaders = append(out.ExtraHeaders, mime.HeaderField{Name: h.Name, Value: h.Value})
		} else {
			a.Logger.WarnContext(ctx, "a plugin's header was left out: only X- headers may be added", "header", h.Name)
		}
	}
	return nil
}

// resanitize runs a plugin's HTML through the sanitizer, so no plugin can
// put active content into mail. A footer appended to the user's (already
// sanitized) HTML is sanitized alone, which keeps the user's cid: images.
func resanitize(before, after string) string {
	opts := htmlsafe.Options{AllowRemote: true, KeepMailto: true, DropStyleBlocks: true}
	if added, ok := strings.CutPrefix(after, before); ok {
		safe, _ := htmlsafe.Sanitize(added, opts)
		return before + safe
	}
	safe, _ := htmlsafe.Sanitize(after, opts)
	return safe
}

func emails(addrs []mime.Address) []string {
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, a.Email)
	}
	return out
}
