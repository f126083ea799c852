package mail

import (
	"context"
	"fmt"
	"io"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// FetchRaw returns the whole RFC 5322 message uid of mailbox, fetched with
// BODY.PEEK[] so reading it does not set \Seen. A message larger than
// maxBytes is an error wrapping ErrTooLarge, detected from RFC822.SIZE
// before any of it is transferred; maxBytes <= 0 means no limit. An unknown
// UID is ErrNotFound.
func (c *Client) FetchRaw(ctx context.Context, mailbox string, uid uint32, maxBytes int64) ([]byte, error) {
	if uid == 0 {
		return nil, fmt.Errorf("mail: fetch UID 0: %w", ErrNotFound)
	}
	if _, err := c.selectMailbox(ctx, mailbox); err != nil {
		return nil, err
	}
	op := fmt.Sprintf("fetch %s UID %d", mailbox, uid)
	var size int64 = -1
	err := c.do(ctx, op, func() error {
		msgs, err := c.imap.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
		for _, m := range msgs {
			if m.UID == imap.UID(uid) {
				size = m.RFC822Size
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return c.fetchWhole(ctx, op, uid, size, maxBytes, true)
}

// fetchWhole fetches BODY.PEEK[] of uid in the selected mailbox, whose
// RFC822.SIZE is size (-1: the server listed no such message); BODY[],
// which sets \Seen, when !peek.
func (c *Client) fetchWhole(ctx context.Context, op string, uid uint32, size, maxBytes int64, peek bool) ([]byte, error) {
	if size < 0 {
		return nil, fmt.Errorf("mail: %s: %w", op, ErrNotFound)
	}
	if maxBytes > 0 && size > maxBytes {
		return nil, fmt.Errorf("mail: %s: %d bytes, limit %d: %w", op, size, maxBytes, ErrTooLarge)
	}
	uids := imap.UIDSetNum(imap.UID(uid))
	var (
		raw   []byte
		found bool
	)
	section := &imap.FetchItemBodySection{Peek: peek}
	err := c.do(ctx, op, func() error {
		cmd := c.imap.Fetch(uids, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
		defer cmd.Close()
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				body, ok := item.(imapclient.FetchItemDataBodySection)
				if !ok || body.Literal == nil || found {
					continue
				}
				found = true
				// The size may have changed since RFC822.SIZE (it cannot in
				// IMAP, but servers are servers): check the literal too.
				if maxBytes > 0 && body.Literal.Size() > maxBytes {
					return fmt.Errorf("%d bytes, limit %d: %w", body.Literal.Size(), maxBytes, ErrTooLarge)
				}
				var err error
				raw, err = io.ReadAll(body.Literal)
				if err != nil {
					return err
				}
			}
		}
		return cmd.Close()
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("mail: %s: %w", op, ErrNotFound)
	}
	return raw, nil
}
