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

// FolderLabel is how a folder is called on a page: a special-use folder
// that has its English default name ("Sent", "Trash"; "Inbox" for INBOX)
// in the user's language, any other folder by its own name, which the
// user chose.
func FolderLabel(ctx context.Context, name, use string) string {
	if use != "" && name == englishSpecialName(use) {
		return SpecialUseName(ctx, use)
	}
	return name
}

func englishSpecialName(use string) string {
	switch use {
	case "inbox":
		return "Inbox"
	case "sent":
		return "Sent"
	case "drafts":
		return "Drafts"
	case "archive":
		return "Archive"
	case "junk":
		return "Junk"
	case "trash":
		return "Trash"
	}
	return ""
}
