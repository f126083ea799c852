package mail

import (
	"context"

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
	// contentOnly marks a state that vouches only for which messages the
	// mailbox holds, not for their flags (see forQuery).
	contentOnly bool
}

// known reports whether the state can vouch for a cached list: without
// CONDSTORE there is no HIGHESTMODSEQ and a flag change would go unseen.
// A content-only state needs no CONDSTORE.
func (s mailboxState) known() bool {
	if s.contentOnly {
		return s.uidValidity != 0 && s.uidNext != 0
	}
	return s.highestModSeq != 0 && s.uidValidity != 0
}

// forQuery is the state a sorted or threaded list for q is kept under.
// Only a filter (unread, flagged) makes the list depend on flags: sorting,
// threading and searching read the messages' content, which never changes
// under a UID. So for the others the state leaves HIGHESTMODSEQ out, and
// reading a message (a flag change) does not cost the next list page a
// new SORT (~8 ms of Dovecot CPU on a 5,000-message INBOX). While
// UIDVALIDITY, UIDNEXT and EXISTS stay the same the mailbox holds the same
// messages: a new one raises UIDNEXT, an expunge alone lowers EXISTS.
func (s mailboxState) forQuery(q ListQuery) mailboxState {
	if q.Filter != FilterAll {
		return s
	}
	s.highestModSeq, s.contentOnly = 0, true
	return s
}

// selectForList selects mailbox for a list and returns its state, its
// unseen count and its number of messages, in two commands: SELECT (or
// NOOP when it is selected already), then STATUS. On a 5,000-message
// INBOX, Dovecot spends ~0.07 ms on the NOOP and the STATUS together,
// against ~1.4-2.8 ms for a SELECT and ~1 ms for a SEARCH counting the
// unseen messages.
//
// The order matters. Dovecot answers STATUS on the selected mailbox from
// the session's view of it, which the SELECT or NOOP has just brought up
// to date, and the SORT or THREAD that may follow reads that same view or
// a newer one. So a list is only ever stored under a state older than or
// equal to the one it shows: a change that races the request makes the
// next request miss the cache, never show the old list. (STATUS before the
// NOOP would report the view as the previous request left it, and the
// cache would serve the list from before a change.)
//
// Like every command on a kept selection, this does not notice a mailbox
// deleted and made again while selected (see UIDValidity).
func (c *Client) selectForList(ctx context.Context, mailbox string) (state mailboxState, unseen, total uint32, err error) {
	if total, err = c.selectMailbox(ctx, mailbox); err != nil {
		return mailboxState{}, 0, 0, err
	}
	condStore := c.imap.Caps().Has(imap.CapCondStore)
	options := &imap.StatusOptions{NumMessages: true, UIDNext: true, UIDValidity: true, NumUnseen: true, HighestModSeq: condStore}
	var data *imap.StatusData
	err = c.do(ctx, "status "+c.selected, func() error {
		var err error
		data, err = c.imap.Status(c.selected, options).Wait()
		return err
	})
	if err != nil {
		return mailboxState{}, 0, 0, err
	}
	state = mailboxState{uidValidity: data.UIDValidity, uidNext: data.UIDNext, highestModSeq: data.HighestModSeq}
	if data.NumMessages != nil {
		state.exists = *data.NumMessages
	}
	if data.NumUnseen != nil {
		unseen = *data.NumUnseen
	}
	return state, unseen, total, nil
}
