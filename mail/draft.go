package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-imap/v2"
)

// ErrOldDraftKept reports that ReplaceDraft saved the new version but
// could not remove the old one: the user sees two drafts, and loses
// nothing.
var ErrOldDraftKept = errors.New("mail: new draft saved, old version not removed")

// ReplaceDraft saves a new version of a draft in mailbox (the Drafts
// folder), flagged \Draft and \Seen, and then removes the previous version
// oldUID (0 when there is none). The new version is appended first, so a
// failure at any point never loses the draft: at worst the old version
// stays next to the new one, and the error wraps ErrOldDraftKept while
// Appended is still valid.
//
// The old version goes with UID EXPUNGE, which touches only that message.
// A server without UIDPLUS has only EXPUNGE, which would also remove
// whatever else the user flagged \Deleted in Drafts: there the old
// version is only flagged \Deleted, which hides it in most clients.
func (c *Client) ReplaceDraft(ctx context.Context, mailbox string, oldUID uint32, size int64, r io.Reader) (Appended, error) {
	appended, err := c.Append(ctx, mailbox, []string{FlagDraft, FlagSeen}, time.Time{}, size, r)
	if err != nil || oldUID == 0 {
		return appended, err
	}
	if appended.UID == oldUID {
		// Only a server that reuses UIDs would say so; deleting now
		// would delete the new version.
		return appended, fmt.Errorf("mail: replace draft %d in %s: server gave the new version the old UID: %w", oldUID, mailbox, ErrOldDraftKept)
	}
	if err := c.deleteDraft(ctx, mailbox, oldUID); err != nil {
		return appended, fmt.Errorf("mail: replace draft %d in %s: %w: %w", oldUID, mailbox, ErrOldDraftKept, err)
	}
	return appended, nil
}

// deleteDraft removes one message, with UID EXPUNGE where the server has
// it, else only flags it \Deleted (see ReplaceDraft).
func (c *Client) deleteDraft(ctx context.Context, mailbox string, uid uint32) error {
	caps := c.imap.Caps()
	if caps.Has(imap.CapUIDPlus) || caps.Has(imap.CapIMAP4rev2) {
		return c.Expunge(ctx, mailbox, uid)
	}
	return c.SetFlags(ctx, mailbox, []string{`\Deleted`}, true, uid)
}
