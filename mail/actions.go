package mail

import (
	"context"
	"fmt"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// Flags the UI sets. $Junk and $NotJunk are the keywords mail clients and
// spam filters share (RFC 5788 registry).
const (
	FlagSeen     = `\Seen`
	FlagFlagged  = `\Flagged`
	FlagAnswered = `\Answered`
	FlagDraft    = `\Draft`
	FlagJunk     = `$Junk`
	FlagNotJunk  = `$NotJunk`
)

func uidSet(uids []uint32) imap.UIDSet {
	var set imap.UIDSet
	for _, uid := range uids {
		if uid != 0 {
			set.AddNum(imap.UID(uid))
		}
	}
	return set
}

// SetFlags adds (add) or removes (!add) flags on the messages uids of
// mailbox. UIDs that no longer exist are ignored, as IMAP does.
func (c *Client) SetFlags(ctx context.Context, mailbox string, flags []string, add bool, uids ...uint32) error {
	set := uidSet(uids)
	if len(set) == 0 || len(flags) == 0 {
		return nil
	}
	if _, err := c.selectMailbox(ctx, mailbox); err != nil {
		return err
	}
	op := imap.StoreFlagsAdd
	if !add {
		op = imap.StoreFlagsDel
	}
	imapFlags := make([]imap.Flag, len(flags))
	for i, f := range flags {
		imapFlags[i] = imap.Flag(f)
	}
	store := &imap.StoreFlags{Op: op, Silent: true, Flags: imapFlags}
	return c.do(ctx, fmt.Sprintf("store %v %s in %s", add, strings.Join(flags, " "), mailbox), func() error {
		return c.imap.Store(set, store, nil).Close()
	})
}

// Move moves messages to another mailbox: MOVE where the server has it,
// else COPY, flag \Deleted and expunge exactly those UIDs (UIDPLUS) or the
// mailbox. MoveReporting also says where they landed.
func (c *Client) Move(ctx context.Context, from, to string, uids ...uint32) error {
	_, err := c.MoveReporting(ctx, from, to, uids...)
	return err
}

// forgetSelection makes the next command SELECT again, so message counts
// come fresh from the server after we removed messages. Counting EXPUNGE
// responses is not enough: go-imap's own in-memory server, for one, sends
// wrong sequence numbers after MOVE.
func (c *Client) forgetSelection() { c.selected = "" }

// Copy copies messages to another mailbox.
func (c *Client) Copy(ctx context.Context, from, to string, uids ...uint32) error {
	set := uidSet(uids)
	if len(set) == 0 {
		return nil
	}
	if _, err := c.selectMailbox(ctx, from); err != nil {
		return err
	}
	return c.do(ctx, fmt.Sprintf("copy %s to %s", from, to), func() error {
		_, err := c.imap.Copy(set, to).Wait()
		return err
	})
}

// Expunge deletes messages for good: flag \Deleted, then UID EXPUNGE of
// exactly those UIDs. A server without UIDPLUS (rare today) only has the
// plain EXPUNGE, which also removes messages another client flagged
// \Deleted; that is what every IMAP4rev1 client does there.
func (c *Client) Expunge(ctx context.Context, mailbox string, uids ...uint32) error {
	set := uidSet(uids)
	if len(set) == 0 {
		return nil
	}
	if _, err := c.selectMailbox(ctx, mailbox); err != nil {
		return err
	}
	store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	defer c.forgetSelection()
	return c.do(ctx, "expunge in "+mailbox, func() error {
		if err := c.imap.Store(set, store, nil).Close(); err != nil {
			return err
		}
		if c.imap.Caps().Has(imap.CapUIDPlus) || c.imap.Caps().Has(imap.CapIMAP4rev2) {
			return c.imap.UIDExpunge(set).Close()
		}
		return c.imap.Expunge().Close()
	})
}

// EmptyMailbox deletes every message of mailbox for good.
func (c *Client) EmptyMailbox(ctx context.Context, mailbox string) error {
	n, err := c.selectMailbox(ctx, mailbox)
	if err != nil || n == 0 {
		return err
	}
	var all imap.SeqSet
	all.AddRange(1, 0) // 1:*
	store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	defer c.forgetSelection()
	return c.do(ctx, "empty "+mailbox, func() error {
		if err := c.imap.Store(all, store, nil).Close(); err != nil {
			return err
		}
		return c.imap.Expunge().Close()
	})
}

// SpecialMailbox returns the name of the mailbox with special use use
// ("drafts", "sent", "archive", "junk", "trash"), found by SPECIAL-USE or
// by common names; ErrNotFound when there is none.
func (c *Client) SpecialMailbox(ctx context.Context, use string) (string, error) {
	boxes, err := c.Mailboxes(ctx)
	if err != nil {
		return "", err
	}
	for _, b := range boxes {
		if b.SpecialUse == use && !b.NoSelect {
			return b.Name, nil
		}
	}
	return "", fmt.Errorf("mail: no %s mailbox: %w", use, ErrNotFound)
}
