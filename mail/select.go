package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// selectMailbox selects mailbox unless it is selected already, in which
// case a NOOP collects the server's news (new and expunged messages),
// once per loan from the pool (every time for a Client of its own): the commands of one request that follow it
// run milliseconds later and get the server's news with their own answers
// (a message view asked for three NOOPs in a row). It returns the number
// of messages.
func (c *Client) selectMailbox(ctx context.Context, mailbox string) (uint32, error) {
	if strings.EqualFold(mailbox, "INBOX") {
		mailbox = "INBOX"
	}
	if mailbox == "" {
		return 0, fmt.Errorf("mail: select: empty mailbox name: %w", ErrNotFound)
	}
	if c.selected == mailbox {
		if !c.onLoan || !c.synced {
			if err := c.Noop(ctx); err != nil {
				return 0, err
			}
			c.synced = true
		}
		if cur := c.imap.Mailbox(); cur != nil && cur.Name == mailbox {
			return cur.NumMessages, nil
		}
	}
	// The server deselects on any SELECT, even a failed one.
	c.selected = ""
	var data *imap.SelectData
	err := c.do(ctx, "select "+mailbox, func() error {
		var err error
		data, err = c.imap.Select(mailbox, nil).Wait()
		return err
	})
	var imapErr *imap.Error
	if err != nil && !errors.Is(err, ErrNotFound) && errors.As(err, &imapErr) && imapErr.Type == imap.StatusResponseTypeNo {
		// Servers without the NONEXISTENT code still answer NO.
		return 0, fmt.Errorf("mail: select %s: %w: %w", mailbox, ErrNotFound, imapErr)
	}
	if err != nil {
		return 0, err
	}
	c.selected = mailbox
	c.synced = true
	c.uidValidity = data.UIDValidity
	return data.NumMessages, nil
}

// UIDValidity selects mailbox (or, when it is selected already, collects
// the server's news with a NOOP) and returns its UIDVALIDITY, as the
// SELECT reported it. A UID names the same message for as long as the
// UIDVALIDITY stays the same, so the pair is a key for what never
// changes: a message's content.
//
// A NOOP does not re-read UIDVALIDITY: a connection that kept a mailbox
// selected while another client deleted and recreated it goes on seeing
// the old one (Dovecot answers the NOOP with an untagged NO that the
// client library drops), for this as for every other command. A SELECT
// each time would close that gap at about 3 ms of Dovecot CPU per call
// on a 5,000-message INBOX, more than the fetch it saves.
func (c *Client) UIDValidity(ctx context.Context, mailbox string) (uint32, error) {
	if _, err := c.selectMailbox(ctx, mailbox); err != nil {
		return 0, err
	}
	return c.uidValidity, nil
}
