package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Appended is where APPEND stored a message.
type Appended struct {
	// UID is the new message's UID, from APPENDUID; 0 when the server
	// has neither UIDPLUS nor IMAP4rev2 and so does not say.
	UID uint32
	// UIDValidity is the mailbox's UIDVALIDITY that UID belongs to; 0
	// along with UID.
	UIDValidity uint32
}

// Append stores a message of exactly size bytes, read from r, in mailbox
// with flags (FlagSeen, FlagDraft, ...) and date as its INTERNALDATE (the
// server's clock when zero). The message is streamed as one literal,
// never held in memory: size must be known up front, which it is for a
// message kept in the attachment store.
//
// A mailbox that does not exist is ErrNotFound; a message the server finds
// too large is ErrTooLarge. If r ends early or fails, the literal cannot
// be finished: the Client is broken and the server stores nothing.
func (c *Client) Append(ctx context.Context, mailbox string, flags []string, date time.Time, size int64, r io.Reader) (Appended, error) {
	if mailbox == "" {
		return Appended{}, fmt.Errorf("mail: append: empty mailbox name: %w", ErrNotFound)
	}
	if size < 0 {
		return Appended{}, fmt.Errorf("mail: append to %s: negative size %d", mailbox, size)
	}
	options := &imap.AppendOptions{Time: date}
	for _, f := range flags {
		options.Flags = append(options.Flags, imap.Flag(f))
	}
	var data *imap.AppendData
	op := "append to " + mailbox
	err := c.do(ctx, op, func() error {
		cmd := c.imap.Append(mailbox, size, options)
		n, copyErr := io.CopyN(cmd, r, size)
		if copyErr != nil {
			// The server waits for the rest of the literal: nothing but
			// closing the connection ends the command now.
			c.conn.Close()
			if errors.Is(copyErr, io.EOF) {
				copyErr = fmt.Errorf("message ended after %d of %d bytes", n, size)
			}
			return fmt.Errorf("reading the message: %w", copyErr)
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		var err error
		data, err = cmd.Wait()
		return err
	})
	if err != nil {
		return Appended{}, appendError(op, err)
	}
	if data == nil || data.UID == 0 {
		return Appended{}, nil
	}
	return Appended{UID: uint32(data.UID), UIDValidity: data.UIDValidity}, nil
}

// appendError maps the response codes APPEND answers with to our errors.
func appendError(op string, err error) error {
	var imapErr *imap.Error
	if !errors.As(err, &imapErr) {
		return err
	}
	switch imapErr.Code {
	case imap.ResponseCodeTryCreate:
		if !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("mail: %s: %w: %w", op, ErrNotFound, err)
		}
	case imap.ResponseCodeTooBig:
		return fmt.Errorf("mail: %s: %w: %w", op, ErrTooLarge, err)
	}
	return err
}
