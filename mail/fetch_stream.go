package mail

import (
	"context"
	"fmt"
	"io"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// StreamRaw copies the whole RFC 5322 message uid of mailbox to the writer
// open returns, as the server sends it, never holding the message in
// memory: for downloads of any size. open is called once, with the size
// from RFC822.SIZE, before any byte is written; an unknown UID is
// ErrNotFound and open is not called. BODY.PEEK[] leaves \Seen alone.
//
// A writer that fails (the browser went away) aborts the copy in the
// middle of a literal, after which the connection is unusable: the Client
// is then broken, and the pool replaces it.
func (c *Client) StreamRaw(ctx context.Context, mailbox string, uid uint32, open func(size int64) io.Writer) (written int64, err error) {
	if uid == 0 {
		return 0, fmt.Errorf("mail: stream UID 0: %w", ErrNotFound)
	}
	if _, err := c.selectMailbox(ctx, mailbox); err != nil {
		return 0, err
	}
	uids := imap.UIDSetNum(imap.UID(uid))
	op := fmt.Sprintf("stream %s UID %d", mailbox, uid)
	found := false
	err = c.do(ctx, op, func() error {
		section := &imap.FetchItemBodySection{Peek: true}
		cmd := c.imap.Fetch(uids, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
		defer cmd.Close()
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				body, ok := item.(imapclient.FetchItemDataBodySection)
				if !ok || body.Literal == nil || found {
					continue
				}
				found = true
				var err error
				written, err = io.Copy(open(body.Literal.Size()), body.Literal)
				if err != nil {
					return fmt.Errorf("copying the message: %w", err)
				}
			}
		}
		return cmd.Close()
	})
	if err != nil {
		return written, err
	}
	if !found {
		return 0, fmt.Errorf("mail: %s: %w", op, ErrNotFound)
	}
	return written, nil
}
