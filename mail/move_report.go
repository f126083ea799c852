package mail

import (
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Moved is where moved messages landed, as the server reported it with
// COPYUID (UIDPLUS, RFC 4315; part of IMAP4rev2). Source[i] became
// Dest[i] in the destination mailbox, whose UIDVALIDITY is UIDValidity.
// It is the zero Moved when the server did not say: then nobody can name
// the moved messages again without searching for them.
type Moved struct {
	UIDValidity uint32
	Source      []uint32
	Dest        []uint32
}

// Reported says whether the server named the moved messages.
func (m Moved) Reported() bool {
	return m.UIDValidity != 0 && len(m.Dest) > 0 && len(m.Source) == len(m.Dest)
}

// MoveReporting moves messages like Move and returns where they landed,
// as far as the server said (see Moved).
func (c *Client) MoveReporting(ctx context.Context, from, to string, uids ...uint32) (Moved, error) {
	set := uidSet(uids)
	if len(set) == 0 || from == to {
		return Moved{}, nil
	}
	if _, err := c.selectMailbox(ctx, from); err != nil {
		return Moved{}, err
	}
	defer c.forgetSelection()
	var moved Moved
	err := c.do(ctx, fmt.Sprintf("move %s to %s", from, to), func() error {
		data, err := c.imap.Move(set, to).Wait()
		if err != nil {
			return err
		}
		moved = movedFrom(data)
		return nil
	})
	return moved, err
}

// movedFrom reads the COPYUID data of a MOVE (or of the COPY a server
// without MOVE gets); sets the server sent in a form we cannot pair
// (a "*", unequal lengths) count as not reported.
func movedFrom(data *imapclient.MoveData) Moved {
	if data == nil || data.UIDValidity == 0 {
		return Moved{}
	}
	source, ok1 := uidsOf(data.SourceUIDs)
	dest, ok2 := uidsOf(data.DestUIDs)
	if !ok1 || !ok2 || len(source) != len(dest) || len(dest) == 0 {
		return Moved{}
	}
	return Moved{UIDValidity: data.UIDValidity, Source: source, Dest: dest}
}

// uidsOf lists the UIDs of a COPYUID set in the order the server wrote
// them: RFC 4315 pairs source and destination UIDs by position.
func uidsOf(set imap.NumSet) ([]uint32, bool) {
	uids, ok := set.(imap.UIDSet)
	if !ok || uids.Dynamic() {
		return nil, false
	}
	var out []uint32
	for _, r := range uids {
		if r.Stop < r.Start {
			return nil, false
		}
		for uid := r.Start; ; uid++ {
			out = append(out, uint32(uid))
			if uid == r.Stop || len(out) > 1_000_000 {
				break
			}
		}
	}
	return out, true
}

// MessageFlags returns the flags of the messages uids of mailbox, by UID;
// messages that do not exist are missing from the map.
func (c *Client) MessageFlags(ctx context.Context, mailbox string, uids ...uint32) (map[uint32][]string, error) {
	set := uidSet(uids)
	flags := map[uint32][]string{}
	if len(set) == 0 {
		return flags, nil
	}
	if _, err := c.selectMailbox(ctx, mailbox); err != nil {
		return nil, err
	}
	err := c.fetchEach(ctx, "fetch flags in "+mailbox, set, &imap.FetchOptions{UID: true, Flags: true}, func(m *imapclient.FetchMessageBuffer) {
		names := make([]string, len(m.Flags))
		for i, f := range m.Flags {
			names[i] = string(f)
		}
		flags[uint32(m.UID)] = names
	})
	if err != nil {
		return nil, err
	}
	return flags, nil
}
