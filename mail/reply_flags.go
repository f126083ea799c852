package mail

import (
	"context"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// FlagForwarded is the keyword mail clients set on a message they
// forwarded (RFC 5788 registry).
const FlagForwarded = `$Forwarded`

// MarkAnswered flags message uid of mailbox \Answered, after a reply to it
// was sent. A UID that no longer exists is ignored.
func (c *Client) MarkAnswered(ctx context.Context, mailbox string, uid uint32) error {
	return c.SetFlags(ctx, mailbox, []string{FlagAnswered}, true, uid)
}

// MarkForwarded flags message uid of mailbox $Forwarded, after it was
// forwarded. A mailbox whose PERMANENTFLAGS allow neither $Forwarded nor
// new keywords (\*) would keep the flag for this session only, or refuse
// it: then nothing is stored and marked is false, without an error, since
// the flag is a courtesy.
func (c *Client) MarkForwarded(ctx context.Context, mailbox string, uid uint32) (marked bool, err error) {
	if _, err := c.selectMailbox(ctx, mailbox); err != nil {
		return false, err
	}
	if !keywordAllowed(c.imap.Mailbox().PermanentFlags, FlagForwarded) {
		return false, nil
	}
	if err := c.SetFlags(ctx, mailbox, []string{FlagForwarded}, true, uid); err != nil {
		return false, err
	}
	return true, nil
}

// keywordAllowed reads PERMANENTFLAGS: a missing list means every flag
// is permanent (RFC 3501 7.1), \* that new keywords may be created.
func keywordAllowed(permanent []imap.Flag, keyword string) bool {
	if permanent == nil {
		return true
	}
	return slices.ContainsFunc(permanent, func(f imap.Flag) bool {
		return f == imap.FlagWildcard || strings.EqualFold(string(f), keyword)
	})
}
