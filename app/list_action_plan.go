package app

import (
	"context"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/mail"
)

// specialDefaultName is the folder created when the special folder an
// action needs does not exist yet; Mailboxes recognizes these names
// afterwards, also on servers without SPECIAL-USE.
func specialDefaultName(use string) string {
	switch use {
	case "trash":
		return "Trash"
	case "archive":
		return "Archive"
	default:
		return "Junk"
	}
}

// listPlan is what one action does to the selected messages of one folder.
type listPlan struct {
	addFlags, removeFlags []string
	moveTo                string // the folder the messages go to, "" when they stay
	copyTo                string
	create                string // special use ("trash", ...) whose folder must be created first and then is moveTo
	expunge               bool   // delete the messages for good
	empty                 bool   // delete every message of the folder for good
	confirm               bool   // cannot be undone: ask first
}

// folderFacts is what planning needs to know about the user's folders.
type folderFacts struct {
	special map[string]string // special use -> folder name, for those that exist
	exists  map[string]bool   // selectable folder names
}

// newFolderFacts collects the facts from the folder list.
func newFolderFacts(boxes []mail.Mailbox) folderFacts {
	f := folderFacts{special: map[string]string{}, exists: map[string]bool{}}
	for _, b := range boxes {
		if b.NoSelect {
			continue
		}
		f.exists[b.Name] = true
		if b.SpecialUse != "" {
			if _, dup := f.special[b.SpecialUse]; !dup {
				f.special[b.SpecialUse] = b.Name
			}
		}
	}
	return f
}

// badAction is a refused action, shown to the user.
func badAction(msg string) error {
	return &Error{Code: CodeInvalid, Title: "Cannot do that", Message: msg}
}

// planListAction decides what action means for messages in source (whose
// special use is sourceUse): delete moves to Trash except in Trash, where
// it deletes for good; archive and junk move to their folders, creating
// them when missing; not junk moves from Junk back to the inbox. target
// is the folder chosen for move and copy.
func planListAction(action, source, sourceUse string, folders folderFacts, target string) (listPlan, error) {
	var p listPlan
	toSpecial := func(use string) {
		if name, ok := folders.special[use]; ok {
			p.moveTo = name
		} else {
			p.create = use
		}
	}
	switch action {
	case ActRead:
		p.addFlags = []string{mail.FlagSeen}
	case ActUnread:
		p.removeFlags = []string{mail.FlagSeen}
	case ActFlag:
		p.addFlags = []string{mail.FlagFlagged}
	case ActUnflag:
		p.removeFlags = []string{mail.FlagFlagged}
	case ActMove, ActCopy:
		switch {
		case target == "":
			return p, badAction("Choose a folder first.")
		case !folders.exists[target]:
			return p, badAction("That folder does not exist any more. Reload the page to see the current folders.")
		case target == source:
			return p, badAction("The messages are in that folder already. Choose another one.")
		}
		if action == ActMove {
			p.moveTo = target
		} else {
			p.copyTo = target
		}
	case ActDelete:
		if sourceUse == "trash" {
			p.expunge, p.confirm = true, true
		} else {
			toSpecial("trash")
		}
	case ActArchive:
		if sourceUse == "archive" {
			return p, badAction("These messages are in the archive already.")
		}
		toSpecial("archive")
	case ActJunk:
		p.addFlags, p.removeFlags = []string{mail.FlagJunk}, []string{mail.FlagNotJunk}
		if sourceUse != "junk" {
			toSpecial("junk")
		}
	case ActNotJunk:
		p.addFlags, p.removeFlags = []string{mail.FlagNotJunk}, []string{mail.FlagJunk}
		if sourceUse == "junk" {
			p.moveTo = "INBOX"
		}
	case ActEmpty:
		if sourceUse != "trash" && sourceUse != "junk" {
			return p, badAction("Only Trash and Junk can be emptied here.")
		}
		p.empty, p.confirm = true, true
	default:
		return p, badAction("That action is not known. Reload the page and try again.")
	}
	return p, nil
}

// removes reports whether the messages leave their folder.
func (p listPlan) removes() bool {
	return p.moveTo != "" || p.create != "" || p.expunge || p.empty
}

// listActionDone says what happened, for the status line, in the user's
// language: n messages, moved to the folder called where.
func listActionDone(ctx context.Context, action string, n int, p listPlan, where string) string {
	switch action {
	case ActRead:
		return i18n.N(ctx, n, "Marked %d message as read.", "Marked %d messages as read.")
	case ActUnread:
		return i18n.N(ctx, n, "Marked %d message as unread.", "Marked %d messages as unread.")
	case ActFlag:
		return i18n.N(ctx, n, "Flagged %d message.", "Flagged %d messages.")
	case ActUnflag:
		return i18n.N(ctx, n, "Removed the flag from %d message.", "Removed the flag from %d messages.")
	case ActMove:
		return i18n.N(ctx, n, "Moved %d message to %s.", "Moved %d messages to %s.", n, where)
	case ActCopy:
		return i18n.N(ctx, n, "Copied %d message to %s.", "Copied %d messages to %s.", n, where)
	case ActDelete:
		if p.expunge {
			return i18n.N(ctx, n, "Deleted %d message for good.", "Deleted %d messages for good.")
		}
		return i18n.N(ctx, n, "Moved %d message to %s.", "Moved %d messages to %s.", n, where)
	case ActArchive:
		return i18n.N(ctx, n, "Archived %d message in %s.", "Archived %d messages in %s.", n, where)
	case ActJunk:
		if p.removes() {
			return i18n.N(ctx, n, "Marked %d message as junk and moved it to %s.", "Marked %d messages as junk and moved them to %s.", n, where)
		}
		return i18n.N(ctx, n, "Marked %d message as junk.", "Marked %d messages as junk.")
	case ActNotJunk:
		if p.removes() {
			return i18n.N(ctx, n, "Marked %d message as not junk and moved it to %s.", "Marked %d messages as not junk and moved them to %s.", n, where)
		}
		return i18n.N(ctx, n, "Marked %d message as not junk.", "Marked %d messages as not junk.")
	case ActEmpty:
		return i18n.T(ctx, "Emptied %s.", where)
	}
	return i18n.T(ctx, "Done.")
}
