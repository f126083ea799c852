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
// An unknown UID is ErrNotFound.
//
// Neighbours in arrival order are the messages next to it by sequence
// number: the flags' FETCH gives the message's number, and a second FETCH
// of the numbers around it their UIDs (two round trips, ~0.14 ms of
// Dovecot CPU). Asking with UID SEARCH RETURN (MIN/MAX) over the UIDs
// above and below, pipelined in one round trip, cost Dovecot ~0.9 ms on a
// 5,000-message INBOX: it walks the messages in the range. The searches
// remain for when the numbers do not fit (an expunge moved them between
// the two commands). The price is a second round trip (the searches went
// out with the flags' FETCH): ~0.15 ms to a mail server on the same network,
// against ~0.8 ms of its CPU saved on every view.
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
	var seq uint32
	err := c.do(ctx, fmt.Sprintf("message nav %s UID %d", mailbox, uid), func() error {
		fetch := c.imap.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{UID: true, Flags: true})
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
			found, seq = true, m.SeqNum
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
	older, newer, ok, err := c.neighboursBySeq(ctx, mailbox, uid, seq)
	if err == nil && !ok {
		older, newer, err = c.neighboursBySearch(ctx, mailbox, uid)
	}
	if err != nil {
		return MessageNav{}, err
	}
	nav.Older, nav.Newer = older, newer
	return nav, nil
}

// neighboursBySeq returns the UIDs of the messages numbered seq-1 and
// seq+1, the neighbours of message uid numbered seq; ok is false when
// they do not fit (a number that no longer holds uid's neighbour).
func (c *Client) neighboursBySeq(ctx context.Context, mailbox string, uid, seq uint32) (older, newer uint32, ok bool, err error) {
	cur := c.imap.Mailbox()
	if seq == 0 || cur == nil || seq > cur.NumMessages {
		return 0, 0, false, nil
	}
	var set imap.SeqSet
	if seq > 1 {
		set.AddNum(seq - 1)
	}
	if seq < cur.NumMessages {
		set.AddNum(seq + 1)
	}
	if len(set) == 0 {
		return 0, 0, true, nil // the only message
	}
	ok = true
	err = c.do(ctx, fmt.Sprintf("message neighbours %s UID %d", mailbox, uid), func() error {
		msgs, err := c.imap.Fetch(set, &imap.FetchOptions{UID: true}).Collect()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			switch n := uint32(m.UID); {
			case m.SeqNum == seq-1 && n != 0 && n < uid:
				older = n
			case m.SeqNum == seq+1 && n > uid:
				newer = n
			case m.SeqNum == seq-1 || m.SeqNum == seq+1:
				ok = false
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, false, err
	}
	if (seq > 1 && older == 0) || (seq < cur.NumMessages && newer == 0) {
		ok = false
	}
	return older, newer, ok, nil
}

// neighboursBySearch finds the neighbours of message uid by UID: UID
// SEARCH RETURN (MIN/MAX) where the server has ESEARCH, else the plain UID
// list; the two searches are pipelined.
func (c *Client) neighboursBySearch(ctx context.Context, mailbox string, uid uint32) (older, newer uint32, err error) {
	err = c.do(ctx, fmt.Sprintf("message neighbours %s UID %d", mailbox, uid), func() error {
		esearch := c.imap.Caps().Has(imap.CapESearch) || c.imap.Caps().Has(imap.CapIMAP4rev2)
		var olderSet, newerSet imap.UIDSet
		olderSet.AddRange(1, imap.UID(max(uid-1, 1)))
		// "uid+1:*" matches the last message even when it is uid itself
		// (a range is unordered, "*" is the highest UID): results are
		// filtered below.
		newerSet.AddRange(imap.UID(uid+1), 0)
		var olderCmd, newerCmd interface {
			Wait() (*imap.SearchData, error)
		}
		if uid > 1 {
			olderCmd = c.imap.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{olderSet}}, searchOptions(esearch, false))
		}
		if uid < 1<<32-1 {
			newerCmd = c.imap.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{newerSet}}, searchOptions(esearch, true))
		}
		if olderCmd != nil {
			data, err := olderCmd.Wait()
			if err != nil {
				return err
			}
			older = pickUID(data, esearch, uid, false)
		}
		if newerCmd != nil {
			data, err := newerCmd.Wait()
			if err != nil {
				return err
			}
			newer = pickUID(data, esearch, uid, true)
		}
		return nil
	})
	return older, newer, err
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
