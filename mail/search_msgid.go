package mail

import (
	"context"
	"errors"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// HasMessageID reports whether mailbox holds a message whose Message-ID
// header is msgID (with or without angle brackets), by UID SEARCH HEADER.
// The outbox asks it of the Sent folder before sending a message again
// whose earlier try was cut short: a copy there means the server took it.
// A mailbox that does not exist holds nothing (false, no error).
func (c *Client) HasMessageID(ctx context.Context, mailbox, msgID string) (bool, error) {
	msgID = strings.Trim(strings.TrimSpace(msgID), "<>")
	if msgID == "" {
		return false, nil
	}
	n, err := c.selectMailbox(ctx, mailbox)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil || n == 0 {
		return false, err
	}
	var found bool
	err = c.do(ctx, "search Message-ID in "+mailbox, func() error {
		// SEARCH HEADER matches substrings: the brackets make it the
		// whole ID, not a prefix of a longer one.
		criteria := &imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: "<" + msgID + ">"}}}
		data, err := c.imap.UIDSearch(criteria, nil).Wait()
		if err != nil {
			return err
		}
		found = len(data.AllUIDs()) > 0
		return nil
	})
	return found, err
}
