package mail

import (
	"context"
	"math"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// fetchSummaries returns the list lines of uids in the selected mailbox,
// in the order given; UIDs expunged meanwhile are left out.
//
// Lines come from the instance's line cache where it has them (see
// lineCache): only the flags can have changed, and state (the mailbox's
// state as selectForList read it, or the zero state when the caller has
// none) says whether they did. A page of an unchanged mailbox costs no
// command at all; after a change, one FETCH of the flags changed since;
// lines not cached are fetched whole.
func (c *Client) fetchSummaries(ctx context.Context, mailbox string, uids []uint32, state mailboxState) ([]Summary, error) {
	found := make(map[uint32]Summary, len(uids))
	var modSeq uint64 // the HIGHESTMODSEQ the lines are read at, 0 if unknown
	if state.known() {
		modSeq = state.highestModSeq
	}
	// A UIDVALIDITY from STATUS that differs from the SELECT's is a
	// mailbox made anew under the same name: no cached line is its.
	cacheable := c.lines != nil && c.owner != "" && c.selected != "" && c.uidValidity != 0 &&
		(state.uidValidity == 0 || state.uidValidity == c.uidValidity)
	key := c.lineKey

	var missing []uint32
	stale := map[uint32]uint64{} // cached lines whose flags need a look, with the modseq they were read at
	oldest := uint64(math.MaxUint64)
	for _, uid := range uids {
		if !cacheable {
			missing = append(missing, uid)
			continue
		}
		line, at, ok := c.lines.get(key(uid))
		switch {
		case !ok:
			missing = append(missing, uid)
		case modSeq != 0 && at >= modSeq:
			found[uid] = line
		default:
			found[uid] = line
			stale[uid] = at
			oldest = min(oldest, at)
		}
	}

	if len(stale) > 0 {
		asked := make([]uint32, 0, len(stale))
		for _, uid := range uids {
			if _, ok := stale[uid]; ok {
				asked = append(asked, uid)
			}
		}
		// CHANGEDSINCE names only the lines whose flags changed; without
		// it every line still in the mailbox answers, and one that does
		// not was expunged.
		changedSince := modSeq != 0 && oldest != 0
		before := c.messageCount()
		answered, err := c.fetchLineFlags(ctx, mailbox, asked, changedSince, oldest, modSeq, found)
		if err != nil {
			return nil, err
		}
		// A line CHANGEDSINCE leaves out is unchanged, or was expunged
		// since the list's STATUS: when the mailbox lost messages
		// meanwhile, those lines are asked again without it.
		var recheck []uint32
		lost := changedSince && (c.messageCount() < before || c.messageCount() < state.exists)
		for _, uid := range asked {
			switch {
			case answered[uid]:
			case changedSince && !lost:
				c.lines.confirm(key(uid), stale[uid], modSeq)
			case changedSince:
				recheck = append(recheck, uid)
			default:
				delete(found, uid)
			}
		}
		if len(recheck) > 0 {
			answered, err := c.fetchLineFlags(ctx, mailbox, recheck, false, 0, modSeq, found)
			if err != nil {
				return nil, err
			}
			for _, uid := range recheck {
				if !answered[uid] {
					delete(found, uid)
				}
			}
		}
	}

	options := listFetchOptions()
	for _, part := range chunks(missing, fetchChunk) {
		err := c.fetchEach(ctx, "list messages in "+mailbox, uidSet(part), options, func(m *imapclient.FetchMessageBuffer) {
			if line, ok := listLine(m); ok {
				found[line.UID] = line
				if cacheable {
					c.lines.put(key(line.UID), line, modSeq)
				}
			}
		})
		if err != nil {
			return nil, err
		}
	}

	out := make([]Summary, 0, len(uids))
	for _, uid := range uids {
		if s, ok := found[uid]; ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// fetchLineFlags reads the flags of the cached lines uids (in found) into
// found and the cache, at HIGHESTMODSEQ modSeq; with changedSince, only of
// those changed since HIGHESTMODSEQ since. It returns the lines the server
// answered for.
func (c *Client) fetchLineFlags(ctx context.Context, mailbox string, uids []uint32, changedSince bool, since, modSeq uint64, found map[uint32]Summary) (map[uint32]bool, error) {
	options := &imap.FetchOptions{UID: true, Flags: true}
	if changedSince {
		options.ChangedSince = since
	}
	asked := make(map[uint32]bool, len(uids))
	for _, uid := range uids {
		asked[uid] = true
	}
	answered := make(map[uint32]bool, len(uids))
	for _, part := range chunks(uids, fetchChunk) {
		err := c.fetchEach(ctx, "list flags in "+mailbox, uidSet(part), options, func(m *imapclient.FetchMessageBuffer) {
			uid := uint32(m.UID)
			line, ok := found[uid]
			if !ok || !asked[uid] {
				return
			}
			line.setFlags(m.Flags)
			found[uid] = line
			answered[uid] = true
			c.lines.put(c.lineKey(uid), line, modSeq)
		})
		if err != nil {
			return nil, err
		}
	}
	return answered, nil
}

// messageCount is the number of messages in the selected mailbox as the
// server last told this connection (EXISTS, less the EXPUNGEs since).
func (c *Client) messageCount() uint32 {
	if cur := c.imap.Mailbox(); cur != nil {
		return cur.NumMessages
	}
	return 0
}

// lineKey names the line of message uid of the selected mailbox.
func (c *Client) lineKey(uid uint32) lineKey {
	return lineKey{owner: c.owner, mailbox: c.selected, uidValidity: c.uidValidity, uid: uid}
}
