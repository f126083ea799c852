package mail

import (
	"context"
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// MessageNav is what the message view needs besides the message itself:
// its flags and its neighbours in the mailbox.
type MessageNav struct {
	// Seen and Flagged are the message's flags.
	Seen, Flagged bool
	// Junk is true when the message carries the $Junk keyword.
	Junk bool
	// Newer and Older are the UIDs of the messages just before and after
	// this one in a list sorted newest first by arrival, 0 when there is
	// none.
	Newer, Older uint32
}

// MessageNav returns the flags and the neighbours of message uid of mailbox.
// The three commands are pipelined: one round trip. Neighbours come from
// UID SEARCH RETURN (MIN/MAX) where the server has ESEARCH, else from the
// plain UID list. An unknown UID is ErrNotFound.
func (c *Client) MessageNav(ctx context.Context, mailbox string, uid uint32) (MessageNav, error) {
	return c.messageNav(ctx, mailbox, uid, false)
}

// MessageNavMarkingSeen is MessageNav that sets \Seen on the message in
// the same round trip (UID STORE +FLAGS.SILENT pipelined after the FETCH,
// so go-imap cannot hand the FETCH's answer to the STORE). It marks a
// message read on opening when its fetch did not (the message came from a
// cache).
func (c *Client) MessageNavMarkingSeen(ctx context.Context, mailbox string, uid uint32) (MessageNav, error) {
	return c.messageNav(ctx, mailbox, uid, true)
}

func (c *Client) messageNav(ctx context.Context, mailbox string, uid uint32, markSeen bool) (MessageNav, error) {
	var nav MessageNav
	if uid == 0 {
		return nav, fmt.Errorf("mail: message nav UID 0: %w", ErrNotFound)
	}
	if _, err := c.selectMailbox(ctx, mailbox); err != nil {
		return nav, err
	}
	found := false
	err := c.do(ctx, fmt.Sprintf("message nav %s UID %d", mailbox, uid), func() error {
		esearch := c.imap.Caps().Has(imap.CapESearch) || c.imap.Caps().Has(imap.CapIMAP4rev2)
		var older, newer imap.UIDSet
		older.AddRange(1, imap.UID(max(uid-1, 1)))
		// "uid+1:*" matches the last message even when it is uid itself
		// (a range is unordered, "*" is the highest UID): results are
		// filtered below.
		newer.AddRange(imap.UID(uid+1), 0)
		fetch := c.imap.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{UID: true, Flags: true})
		var olderCmd, newerCmd interface {
			Wait() (*imap.SearchData, error)
		}
		if uid > 1 {
			olderCmd = c.imap.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{older}}, searchOptions(esearch, false))
		}
		if uid < 1<<32-1 {
			newerCmd = c.imap.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{newer}}, searchOptions(esearch, true))
		}
		var store *imapclient.FetchCommand
		if markSeen {
			store = c.imap.Store(imap.UIDSetNum(imap.UID(uid)), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil)
		}
		msgs, err := fetch.Collect()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.UID != imap.UID(uid) {
				continue
			}
			found = true
			for _, f := range m.Flags {
				switch {
				case f == imap.FlagSeen:
					nav.Seen = true
				case f == imap.FlagFlagged:
					nav.Flagged = true
				case string(f) == FlagJunk:
					nav.Junk = true
				}
			}
		}
		if olderCmd != nil {
			data, err := olderCmd.Wait()
			if err != nil {
				return err
			}
			nav.Older = pickUID(data, esearch, uid, false)
		}
		if newerCmd != nil {
			data, err := newerCmd.Wait()
			if err != nil {
				return err
			}
			nav.Newer = pickUID(data, esearch, uid, true)
		}
		if store != nil {
			if err := store.Close(); err != nil {
				return err
			}
			nav.Seen = found
		}
		return nil
	})
	if err != nil {
		return MessageNav{}, err
	}
	if !found {
		return MessageNav{}, fmt.Errorf("mail: message nav %s UID %d: %w", mailbox, uid, ErrNotFound)
	}
	return nav, nil
}

func searchOptions(esearch, min bool) *imap.SearchOptions {
	if !esearch {
		return nil
	}
	if min {
		return &imap.SearchOptions{ReturnMin: true}
	}
	return &imap.SearchOptions{ReturnMax: true}
}

// pickUID chooses the neighbour from a search result: the lowest UID above
// uid (newer) or the highest below it.
func pickUID(data *imap.SearchData, esearch bool, uid uint32, newer bool) uint32 {
	var candidates []uint32
	if esearch {
		candidates = []uint32{data.Min, data.Max}
	} else if set, ok := data.All.(imap.UIDSet); ok {
		nums, _ := set.Nums()
		for _, n := range nums {
			candidates = append(candidates, uint32(n))
		}
	}
	candidates = slices.DeleteFunc(candidates, func(n uint32) bool {
		return n == 0 || (newer && n <= uid) || (!newer && n >= uid)
	})
	if len(candidates) == 0 {
		return 0
	}
	if newer {
		return slices.Min(candidates)
	}
	return slices.Max(candidates)
}
