package mail

import (
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// SetSeen adds (seen) or removes (!seen) the \Seen flag on the messages
// uids of mailbox. UIDs that do not exist are ignored, as IMAP does.
func (c *Client) SetSeen(ctx context.Context, mailbox string, seen bool, uids ...uint32) error {
	if len(uids) == 0 {
		return nil
	}
	if _, err := c.selectMailbox(ctx, mailbox); err != nil {
		return err
	}
	var set imap.UIDSet
	for _, uid := range uids {
		if uid != 0 {
			set.AddNum(imap.UID(uid))
		}
	}
	if len(set) == 0 {
		return nil
	}
	op := imap.StoreFlagsAdd
	if !seen {
		op = imap.StoreFlagsDel
	}
	store := &imap.StoreFlags{Op: op, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}
	return c.do(ctx, fmt.Sprintf("set seen=%v in %s", seen, mailbox), func() error {
		return c.imap.Store(set, store, nil).Close()
	})
}
