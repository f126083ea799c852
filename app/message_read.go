package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/session"
)

// MaxPartDepth bounds how deep attached messages inside attached messages
// can be opened: a part path has at most this many elements.
const MaxPartDepth = 6

// A part path names a part of a message, or of a message attached to it:
// part IDs, one per level. ["2"] is part 2 of the message; ["2", "1.3"] is
// part 1.3 of the message attached as part 2. Downloads, previews and
// bodies of attached messages use the same use cases as the message's own.

// messageRef names a message in a mailbox, or a message attached to it.
type messageRef struct {
	mailbox string
	uid     uint32
	part    []string // the part path of an attached message; nil for the message itself
}

// parsedMessage is a message as read for display: its bytes and its
// parse. It is shared through the cache: never change one.
type parsedMessage struct {
	raw []byte
	msg *mime.Message
	// unreadable says the parser failed (a bug it caught); msg is then a
	// stand-in whose text says so.
	unreadable bool
	// partial says raw is not the message but the stand-in a structured
	// fetch built (see mail.FetchForDisplay): its headers and shown parts
	// are the message's, the attachments' bodies are missing (their sizes
	// in msg.Parts come from the server's structure). Whoever needs the
	// message's bytes reads it again with readNeeds.whole.
	partial bool
}

// unreadableText stands in for the text of a message the parser failed on.
const unreadableText = "This message could not be read. Use \"Download .eml\" to open it in another program."

// size is what the entry is counted for in the cache: its bytes, its
// decoded bodies and headers, and a little for the structures.
func (p *parsedMessage) size() int64 {
	n := len(p.raw) + len(p.msg.Text) + len(p.msg.HTML) + 1024
	for _, h := range p.msg.Headers {
		n += len(h.Key) + len(h.Value) + 32
	}
	for _, part := range p.msg.Parts {
		n += len(part.ID) + len(part.Filename) + len(part.ContentType) + len(part.ContentID) + 96
	}
	return int64(n)
}

// messageKey is the cache key of ref's parse, for the session's user on
// server, in the mailbox's current UIDVALIDITY.
func messageKey(server string, sess *session.Session, ref messageRef, uidValidity uint32) cacheKey {
	return cacheKey{
		server:      server,
		user:        sess.User,
		mailbox:     ref.mailbox,
		uidValidity: uidValidity,
		uid:         ref.uid,
		part:        strings.Join(ref.part, ":"),
		kind:        cachedParse,
	}
}

// readNeeds is what a caller of readMessageFor needs beyond the display.
type readNeeds struct {
	// whole asks for the message's own bytes in parsedMessage.raw (its
	// source, parts cut from it), never a stand-in.
	whole bool
	// markSeen asks to set \Seen with the fetch, in the same round trip.
	// On a cache hit nothing is fetched: the caller must then do it (see
	// readMessageFor's marked).
	markSeen bool
}

// readMessage returns the message ref names, parsed for display, and its
// cache key; see readMessageFor.
func (a *App) readMessage(ctx context.Context, client *mail.Client, sess *session.Session, ref messageRef) (*parsedMessage, cacheKey, error) {
	parsed, key, _, err := a.readMessageFor(ctx, client, sess, ref, readNeeds{})
	return parsed, key, err
}

// readMessageFor returns the message ref names, parsed, and its cache key.
// It asks the server for the mailbox's UIDVALIDITY (a SELECT, or a NOOP
// when the connection has the mailbox selected already) and looks in the
// cache; only on a miss is the message fetched and parsed, and the result
// cached for the requests that follow. A mailbox message is fetched for
// display (mail.FetchForDisplay: the parts the page shows, never the
// attachments' bodies) unless needs.whole. An attached message is cut from
// its parent, which is read whole. marked says \Seen was set by the fetch.
func (a *App) readMessageFor(ctx context.Context, client *mail.Client, sess *session.Session, ref messageRef, needs readNeeds) (parsed *parsedMessage, key cacheKey, marked bool, err error) {
	uidValidity, err := client.UIDValidity(ctx, ref.mailbox)
	if err != nil {
		return nil, cacheKey{}, false, err
	}
	key = messageKey(client.Endpoint().String(), sess, ref, uidValidity)
	if cached, ok := a.messages.get(key); ok && (!needs.whole || !cached.(*parsedMessage).partial) {
		return cached.(*parsedMessage), key, false, nil
	}
	switch {
	case len(ref.part) > 0:
		parent, _, _, err := a.readMessageFor(ctx, client, sess, messageRef{mailbox: ref.mailbox, uid: ref.uid}, readNeeds{whole: true})
		if err != nil {
			return nil, key, false, err
		}
		part, content, err := resolvePart(parent.raw, ref.part)
		if err != nil {
			return nil, key, false, err
		}
		if !attachedMessage(part.ContentType) {
			return nil, key, false, &Error{Code: CodeNotFound, Title: "Not a message",
				Message: "This attachment is not an email message. Download it instead."}
		}
		parsed = a.parse(ctx, content)
	case needs.whole:
		raw, err := client.FetchRaw(ctx, ref.mailbox, ref.uid, a.MaxMessageBytes)
		if err != nil {
			return nil, key, false, err
		}
		parsed = a.parse(ctx, raw)
	default:
		fetched, err := client.FetchForDisplay(ctx, ref.mailbox, ref.uid, mail.DisplayOptions{MaxBytes: a.MaxMessageBytes, MarkSeen: needs.markSeen})
		if err != nil {
			return nil, key, false, err
		}
		marked = needs.markSeen
		parsed = a.parse(ctx, fetched.Raw)
		if !fetched.Whole {
			parsed.partial = true
			for i, p := range parsed.msg.Parts {
				if size, ok := fetched.LeftOut[p.ID]; ok {
					parsed.msg.Parts[i].Size = size
				}
			}
		}
	}
	a.messages.add(key, parsed, parsed.size())
	return parsed, key, marked, nil
}

// parse parses raw. ParseMessage degrades instead of failing; if it does
// fail (an internal bug it caught), the message still shows, with a
// pointer to the download.
func (a *App) parse(ctx context.Context, raw []byte) *parsedMessage {
	msg, err := mime.ParseMessage(raw)
	if err != nil {
		a.Logger.WarnContext(ctx, "message parse failed", "err", err)
		return &parsedMessage{raw: raw, msg: &mime.Message{Text: unreadableText}, unreadable: true}
	}
	return &parsedMessage{raw: raw, msg: msg}
}

// resolvePart walks a part path down from raw: every element but the last
// must be an attached message, whose content the next element is looked
// up in. It returns the last part and its decoded content.
func resolvePart(raw []byte, ids []string) (mime.Part, []byte, error) {
	var part mime.Part
	content := raw
	for i, id := range ids {
		var err error
		part, content, err = mime.PartContent(content, id)
		if err != nil {
			return mime.Part{}, nil, err
		}
		if i < len(ids)-1 && !attachedMessage(part.ContentType) {
			return mime.Part{}, nil, fmt.Errorf("app: part %s is %s, not a message: %w", id, part.ContentType, mime.ErrNotFound)
		}
	}
	return part, content, nil
}

// attachedMessage reports the types of a whole message attached to
// another.
func attachedMessage(contentType string) bool {
	switch strings.ToLower(contentType) {
	case "message/rfc822", "message/global":
		return true
	}
	return false
}

// rasterImage reports the image types a browser decodes as pixels and
// nothing else. SVG is not one: it is a document that can hold scripts.
func rasterImage(contentType string) bool {
	switch strings.ToLower(contentType) {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}
