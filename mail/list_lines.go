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
	key := func(uid uint32) lineKey { return lineKey{c.owner, c.selected, c.uidValidity, uid} }

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
		// CHANGEDSINCE names only the lines whose flags changed; without
		// it every line still in the mailbox answers, and one that does
		// not was expunged.
		changedSince := modSeq != 0 && oldest != 0
		options := &imap.FetchOptions{UID: true, Flags: true}
		if changedSince {
			options.ChangedSince = oldest
		}
		answered := make(map[uint32]bool, len(stale))
		asked := make([]uint32, 0, len(stale))
		for _, uid := range uids {
			if _, ok := stale[uid]; ok {
				asked = append(asked, uid)
			}
		}
		for _, part := range chunks(asked, fetchChunk) {
			err := c.fetchEach(ctx, "list flags in "+mailbox, uidSet(part), options, func(m *imapclient.FetchMessageBuffer) {
				uid := uint32(m.UID)
				line, ok := found[uid]
				if _, wasStale := stale[uid]; !ok || !wasStale {
					return
				}
				line.setFlags(m.Flags)
				found[uid] = line
				answered[uid] = true
				c.lines.put(key(uid), line, modSeq)
			})
			if err != nil {
				return nil, err
			}
		}
		for uid, at := range stale {
			switch {
			case answered[uid]:
			case changedSince:
				c.lines.confirm(key(uid), at, modSeq)
			default:
				delete(found, uid)
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
