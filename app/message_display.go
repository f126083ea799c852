package app

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/mail/mime"
)

// noText stands in for the body of a message without any text.
const noText = "(This message has no text.)"

// maxPreviewBytes bounds image previews: bigger images are listed without
// a thumbnail.
const maxPreviewBytes = 15 << 20

// MessageDisplay is one message as the reader sees it, a message in a
// mailbox or one attached to it: what the page shows, without its URLs.
type MessageDisplay struct {
	Subject               string // as written; "" when there is none
	From, To, Cc, ReplyTo []mime.Address
	Date                  time.Time // zero when unknown
	// TimeZone is the reader's (the time_zone setting, UTC by default):
	// dates are shown there, the same on every page.
	TimeZone *time.Location
	// Headers is every header field, for "show all headers".
	Headers []mime.Header
	// HasHTML says the body is an HTML document, served sanitized by
	// MessageBody for the page to frame; TextHTML is empty then.
	HasHTML bool
	// TextHTML is the text body, escaped, its links made clickable and
	// its quotes folding blocks (see textBodyHTML); a placeholder when the
	// message has no text.
	TextHTML string
	// MonospaceText asks for the text body in a fixed-width font (the
	// plain_font setting); proportional by default.
	MonospaceText bool
	// Remote is the decision about remote content in the HTML body.
	Remote RemoteContent
	// Attachments are the parts offered for download, in order.
	Attachments []Attachment
}

// RemoteContent is what the page shows about remote content (images,
// backgrounds) in an HTML body. Remote content tells the sender when and
// where a message was read, so it is blocked unless the user asked for it
// (for this message, or for every message from the sender).
type RemoteContent struct {
	// Shown says the body loads remote content: its document must be
	// asked for with remote content allowed.
	Shown bool
	// Blocked says the body had remote content that was left out: the
	// page offers to show it.
	Blocked bool
	// Sender is the address the "always show images from this sender"
	// button is for; "" when there is no button.
	Sender string
	// Trusted says the content is shown because the user trusts Sender:
	// the button offers to undo that.
	Trusted bool
}

// Attachment is a part offered for download.
type Attachment struct {
	// Part describes it; Part.ID is relative to the message shown.
	Part mime.Part
	// Name is a file name safe for a download header.
	Name string
	// Preview says the part is a raster image small enough for a thumbnail.
	Preview bool
	// Viewable says the part is a message that can be opened as a page of
	// its own (an attached message, not too deep).
	Viewable bool
}

// displayInput is how a message is displayed.
type displayInput struct {
	parsed     *parsedMessage
	key        cacheKey // of parsed, for its cached bodies
	depth      int      // 0 for a mailbox message, the part path's length for an attached one
	showImages bool     // the user asked to see remote content
	userID     int64    // 0 when the database could not say: no trusted senders then
	timeZone   *time.Location
	monospace  bool // the plain_font setting says monospace
}

// display builds what the page shows of a message. For an HTML body it
// sanitizes the body (through the cache, so the body document that
// follows finds it) to learn whether remote content was blocked.
func (a *App) display(ctx context.Context, in displayInput) MessageDisplay {
	msg := in.parsed.msg
	d := MessageDisplay{
		Subject: msg.Subject, From: msg.From, To: msg.To, Cc: msg.Cc, ReplyTo: msg.ReplyTo,
		Date: msg.Date, TimeZone: in.timeZone, Headers: msg.Headers, MonospaceText: in.monospace,
		Attachments: attachmentList(msg, in.depth),
	}
	if msg.HTML == "" {
		d.TextHTML = textHTML(ctx, msg)
		return d
	}
	d.HasHTML = true
	d.Remote = a.remoteContent(ctx, in)
	return d
}

// textHTML is the text body for display, with the "no text" placeholder.
func textHTML(ctx context.Context, msg *mime.Message) string {
	return textBodyHTML(ctx, shownText(ctx, msg))
}

// shownText is a message's text as shown: the "no text" placeholder when
// it has none, and the unreadable-message placeholder (cached for every
// reader) in this reader's language.
func shownText(ctx context.Context, msg *mime.Message) string {
	switch msg.Text {
	case "":
		return i18n.T(ctx, noText)
	case unreadableText:
		return i18n.T(ctx, unreadableText)
	}
	return msg.Text
}

// remoteContent decides whether the HTML body loads remote content: when
// the user asked or trusts the sender. Otherwise, when the body has remote
// content, the page says it was blocked and offers both ways to show it.
// The body is built for the choice made, so the body document is ready.
func (a *App) remoteContent(ctx context.Context, in displayInput) RemoteContent {
	if in.showImages {
		a.body(in.key, in.parsed, true)
		return RemoteContent{Shown: true}
	}
	if !a.body(in.key, in.parsed, false).blocked {
		return RemoteContent{}
	}
	sender := firstEmail(in.parsed.msg.From)
	if in.userID == 0 || sender == "" {
		return RemoteContent{Blocked: true}
	}
	if a.senderTrusted(ctx, in.userID, sender) {
		a.body(in.key, in.parsed, true)
		return RemoteContent{Shown: true, Sender: sender, Trusted: true}
	}
	return RemoteContent{Blocked: true, Sender: sender}
}

// attachmentList lists the parts a user can download, at depth levels of
// attached messages down. Inline images the HTML body shows are left out;
// inline parts it does not show are listed, or they would be visible
// nowhere.
func attachmentList(msg *mime.Message, depth int) []Attachment {
	var out []Attachment
	for _, p := range msg.Parts {
		if shownInBody(msg, p) && p.Size <= MaxInlineImages {
			continue
		}
		out = append(out, Attachment{
			Part:     p,
			Name:     mime.SafeFilename(p.Filename, FallbackFilename(p)),
			Preview:  rasterImage(p.ContentType) && p.Size > 0 && p.Size <= maxPreviewBytes,
			Viewable: attachedMessage(p.ContentType) && depth+1 < MaxPartDepth,
		})
	}
	return out
}

// FallbackFilename names a part that has no file name of its own.
func FallbackFilename(p mime.Part) string {
	if attachedMessage(p.ContentType) {
		return "attached-message-" + p.ID + ".eml"
	}
	return "part-" + p.ID
}

// firstEmail is the first sender's address, lower-cased; "" when there is
// none that looks like an address.
func firstEmail(addrs []mime.Address) string {
	for _, a := range addrs {
		email := strings.ToLower(strings.TrimSpace(a.Email))
		if ValidSender(email) {
			return email
		}
	}
	return ""
}

// ValidSender accepts what can be an email address: one "@" with
// something on each side, no spaces or control characters, at most 320
// bytes.
func ValidSender(email string) bool {
	local, domain, ok := strings.Cut(email, "@")
	return ok && local != "" && domain != "" && len(email) <= 320 &&
		!strings.ContainsFunc(email, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '<' || r == '>' })
}
