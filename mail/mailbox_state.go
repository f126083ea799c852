package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// mailboxState is what STATUS says about a mailbox's contents. While all
// four stay the same, no message was added, removed or changed (flags
// included: every change raises HIGHESTMODSEQ, RFC 7162), so any list
// computed from the mailbox is still right.
type mailboxState struct {
	uidValidity   uint32
	uidNext       imap.UID
	exists        uint32
	highestModSeq uint64
}

// known reports whether the state can vouch for a cached list: without
// CONDSTORE there is no HIGHESTMODSEQ and a flag change would go unseen.
func (s mailboxState) known() bool { return s.highestModSeq != 0 && s.uidValidity != 0 }

// selectForList selects mailbox for a list and returns its state. It
// always sends SELECT (with CONDSTORE where the server has it), even when
// the mailbox is selected already: Dovecot goes on serving a session the
// mailbox as it was selected, even after it was deleted and made again,
// and answers STATUS on the selected mailbox from that same view; only a
// new SELECT reports the mailbox as it is now. It costs the server about
// what the NOOP it replaces did, and its answer carries the state a cached
// list is checked against, so a list served from the cache costs SELECT
// and the page's FETCH: what any client must send.
//
// The SORT or THREAD that may follow reads the view this SELECT opened or
// a newer one, so a list is only ever stored under a state older than or
// equal to the one it shows: a change that races the request makes the
// next request miss the cache, never show the old list.
func (c *Client) selectForList(ctx context.Context, mailbox string) (mailboxState, error) {
	if strings.EqualFold(mailbox, "INBOX") {
		mailbox = "INBOX"
	}
	if mailbox == "" {
		return mailboxState{}, fmt.Errorf("mail: select: empty mailbox name: %w", ErrNotFound)
	}
	c.selected = "" // the server deselects on any SELECT, even a failed one
	options := &imap.SelectOptions{CondStore: c.imap.Caps().Has(imap.CapCondStore)}
	var data *imap.SelectData
	err := c.do(ctx, "select "+mailbox, func() error {
		var err error
		data, err = c.imap.Select(mailbox, options).Wait()
		return err
	})
	var imapErr *imap.Error
	if err != nil && !errors.Is(err, ErrNotFound) && errors.As(err, &imapErr) && imapErr.Type == imap.StatusResponseTypeNo {
		return mailboxState{}, fmt.Errorf("mail: select %s: %w: %w", mailbox, ErrNotFound, imapErr)
	}
	if err != nil {
		return mailboxState{}, err
	}
	c.selected = mailbox
	c.uidValidity = data.UIDValidity
	return mailboxState{uidValidity: data.UIDValidity, uidNext: data.UIDNext,
		exists: data.NumMessages, highestModSeq: data.HighestModSeq}, nil
}
