package components

import (
	"context"

	"github.com/webmail/webmail/i18n"
)

// SpecialUseName is the name of a special-use folder ("inbox", "sent",
// "drafts", "archive", "junk", "trash"; what mail.Mailbox.SpecialUse
// holds) in the user's language, or use itself when it is none of them.
func SpecialUseName(ctx context.Context, use string) string {
	switch use {
	case "inbox":
		return i18n.T(ctx, "Inbox")
	case "sent":
		return i18n.T(ctx, "Sent")
	case "drafts":
		return i18n.T(ctx, "Drafts")
	case "archive":
		return i18n.T(ctx, "Archive (folder)")
	case "junk":
		return i18n.T(ctx, "Junk")
	case "trash":
		return i18n.T(ctx, "Trash")
	}
	return use
}
