package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/mail/mime"
)

// StreamPart copies the decoded content of one part of message uid of
// mailbox to the writer open returns, straight from the server: only
// that part is fetched (BODY.PEEK[section], so \Seen is left alone) and
// it is never held whole in memory, so a part of any size can be
// downloaded. The bytes are those mime.PartContent returns for the same part
// of the whole message.
//
// path names the part as mime.ParseMessage does, through attached messages:
// ["2"] is part 2, ["2", "1.3"] part 1.3 of the message attached as part
// 2 (which IMAP numbers 2.1.3).
//
// open is called once, with the part's description (without Size),
// before the first byte is written, and not at all when StreamPart fails
// before that. The Part returned has the Size written. An unknown UID or
// part is ErrNotFound. ErrNotStreamable means the server may see the part
// differently from mime.ParseMessage (a malformed message; see locatePart):
// nothing was written, and the connection is still fine for a FetchRaw.
//
// A writer that fails aborts the copy in the middle of a literal; as with
// StreamRaw, the Client is then broken and the pool replaces it.
func (c *Client) StreamPart(ctx context.Context, mailbox string, uid uint32, path []string, open func(mime.Part) io.Writer) (mime.Part, error) {
	levels, err := parsePartLevels(path)
	if err != nil {
		return mime.Part{}, err
	}
	if uid == 0 {
		return mime.Part{}, fmt.Errorf("mail: stream part of UID 0: %w", ErrNotFound)
	}
	if _, err := c.selectMailbox(ctx, mailbox); err != nil {
		return mime.Part{}, err
	}
	op := fmt.Sprintf("stream %s UID %d part %s", mailbox, uid, strings.Join(path, ":"))
	loc, err := c.fetchPartLocation(ctx, op, uid, levels)
	if err != nil {
		return mime.Part{}, err
	}
	part := loc.leaf.Part()
	part.ID = levels[len(levels)-1].id
	out := &lazyWriter{open: func() io.Writer { return open(part) }}
	if err := c.streamSection(ctx, op, uid, loc, out); err != nil {
		return mime.Part{}, err
	}
	out.ensureOpen() // an empty part is a download too
	part.Size = out.written
	return part, nil
}

// fetchPartLocation fetches BODYSTRUCTURE and the header blocks on the way to
// the part, in one command, and checks them (see locatePart).
func (c *Client) fetchPartLocation(ctx context.Context, op string, uid uint32, levels []partLevel) (partLocation, error) {
	sections := headerSections(levels)
	var msg *imapclient.FetchMessageBuffer
	err := c.do(ctx, op, func() error {
		msgs, err := c.imap.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
			UID:           true,
			BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
			BodySection:   sections,
		}).Collect()
		for _, m := range msgs {
			if m.UID == imap.UID(uid) {
				msg = m
			}
		}
		return err
	})
	if err != nil {
		return partLocation{}, err
	}
	if msg == nil {
		return partLocation{}, fmt.Errorf("mail: %s: %w", op, ErrNotFound)
	}
	if msg.BodyStructure == nil {
		return partLocation{}, fmt.Errorf("mail: %s: no BODYSTRUCTURE: %w", op, ErrNotStreamable)
	}
	lookup := func(spec imap.PartSpecifier, part []int) []byte {
		for _, s := range sections {
			if s.Specifier == spec && slices.Equal(s.Part, part) {
				return msg.FindBodySection(s)
			}
		}
		return nil
	}
	return locatePart(msg.BodyStructure, levels, lookup)
}

// streamSection fetches BODY.PEEK[section] and decodes it into w as it
// arrives.
func (c *Client) streamSection(ctx context.Context, op string, uid uint32, loc partLocation, w io.Writer) error {
	found := false
	encoding := loc.leaf.TransferEncoding()
	err := c.do(ctx, op, func() error {
		section := &imap.FetchItemBodySection{Part: loc.section, Peek: true}
		cmd := c.imap.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
		defer cmd.Close()
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				body, ok := item.(imapclient.FetchItemDataBodySection)
				if !ok || found {
					continue
				}
				found = true
				if body.Literal == nil {
					continue // NIL: an empty part
				}
				if _, err := mime.CopyDecoded(w, body.Literal, encoding); err != nil {
					if errors.Is(err, mime.ErrNotStreamable) {
						// Refused before a byte was written: the caller
						// can still fetch the whole message.
						return fmt.Errorf("copying the part: %w: %w", ErrNotStreamable, err)
					}
					return fmt.Errorf("copying the part: %w", err)
				}
			}
		}
		return cmd.Close()
	})
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("mail: %s: %w", op, ErrNotFound) // expunged meanwhile
	}
	return nil
}

// lazyWriter opens its writer on the first byte, so that nothing is
// written when a part turns out not streamable before it has any.
type lazyWriter struct {
	open    func() io.Writer
	w       io.Writer
	written int64
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	l.ensureOpen()
	n, err := l.w.Write(p)
	l.written += int64(n)
	return n, err
}

func (l *lazyWriter) ensureOpen() {
	if l.w == nil {
		l.w = l.open()
	}
}
