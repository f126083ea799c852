package app

import (
	"context"
	"errors"
	"io"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/session"
)

// streamPartsAbove is the message size from which part downloads stream
// from IMAP instead of cutting the part from the whole message.
const streamPartsAbove = 2 << 20

// PartInput asks for one part of a message, or of a message attached to
// it.
type PartInput struct {
	Mailbox string
	UID     uint32
	// Part is the part path (see ParsePartPath).
	Part []string
}

// PartWriter is where a part goes: the caller's download.
type PartWriter interface {
	io.Writer
	// Started reports whether anything reached the client. After that a
	// failure cannot be retried or reported, only cut the download short.
	Started() bool
}

// DownloadPart sends one part to the writer open returns; open is called
// once, with the part's description, before its first byte.
//
// A message this instance has whole in its cache (the page was just shown: the
// previews of its images follow) gives the part without asking the server
// for it. Otherwise a message up to streamPartsAbove is fetched whole and
// its part cut out by the same parser that listed it: exact, even where
// the IMAP server splits malformed MIME differently. Larger ones stream
// the part alone as it is decoded, never holding it in memory; those the
// server may see differently from our parser (malformed mail), or where
// the part is an attached message, are fetched whole, bounded by
// MaxMessageBytes.
func (a *App) DownloadPart(ctx context.Context, sess *session.Session, in PartInput, open func(mime.Part) PartWriter) error {
	var raw []byte
	err := a.withIMAP(ctx, sess, func(client *mail.Client) error {
		raw = nil
		uidValidity, err := client.UIDValidity(ctx, in.Mailbox)
		if err != nil {
			return err
		}
		key := messageKey(client.Endpoint().String(), sess, messageRef{mailbox: in.Mailbox, uid: in.UID}, uidValidity)
		cached, ok := a.messages.get(key)
		if ok && !cached.(*parsedMessage).partial {
			raw = cached.(*parsedMessage).raw
			return nil
		}
		raw, err = client.FetchRaw(ctx, in.Mailbox, in.UID, streamPartsAbove)
		if err == nil {
			// The page cached only the parts it shows (no attachment
			// bodies): the whole message goes into the cache in its place,
			// so the message's other pictures and downloads (a page of
			// image previews asks for them together) fetch nothing more.
			parsed := a.parse(ctx, raw)
			a.messages.add(key, parsed, parsed.size())
			return nil
		}
		if !errors.Is(err, mail.ErrTooLarge) {
			return err
		}
		raw = nil
		err = a.streamPart(ctx, client, in, open)
		if errors.Is(err, mail.ErrNotStreamable) {
			a.Logger.DebugContext(ctx, "part not streamed; fetching the whole message", "err", err)
			raw, err = client.FetchRaw(ctx, in.Mailbox, in.UID, a.MaxMessageBytes)
		}
		return err
	})
	if err != nil || raw == nil {
		return err
	}
	part, data, err := resolvePart(raw, in.Part)
	if err != nil {
		return mailError(err)
	}
	_, err = open(part).Write(data)
	return err
}

// streamPart streams the part from IMAP to the writer open returns. Until
// the writer has started a failure is an ordinary error: withIMAP may
// retry it on a fresh connection, or an error page follows. After that it
// is logged and nil returned: the client sees a download that ends
// without its final chunk, a failed one.
func (a *App) streamPart(ctx context.Context, client *mail.Client, in PartInput, open func(mime.Part) PartWriter) error {
	var w PartWriter
	_, err := client.StreamPart(ctx, in.Mailbox, in.UID, in.Part, func(part mime.Part) io.Writer {
		w = open(part)
		return w
	})
	if err != nil && w != nil && w.Started() {
		a.Logger.WarnContext(ctx, "part download cut short", "err", err)
		return nil
	}
	return err
}
