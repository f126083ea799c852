package demo

import (
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// List answers LIST and LSUB from the account's folder index, so every
// response carries the special-use attribute (RFC 6154; always sent, as
// IMAP4rev2 does) and \HasChildren or \HasNoChildren (RFC 3348), which
// imapmemserver beta.8 leaves out. STATUS data for LIST-STATUS comes from
// imapmemserver.
func (s *imapSession) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 0 {
		// LIST "" "": report the hierarchy delimiter only.
		return w.WriteList(&imap.ListData{
			Attrs: []imap.MailboxAttr{imap.MailboxAttrNoSelect},
			Delim: mailboxDelim,
		})
	}
	for _, entry := range s.account.folders.snapshot() {
		if !matchesAny(entry.name, ref, patterns) {
			continue
		}
		if options.SelectSubscribed && !entry.subscribed {
			continue
		}
		if options.SelectSpecialUse && len(entry.specialUse) == 0 {
			continue
		}
		data := imap.ListData{Mailbox: entry.name, Delim: mailboxDelim}
		if entry.hasChildren {
			data.Attrs = append(data.Attrs, imap.MailboxAttrHasChildren)
		} else {
			data.Attrs = append(data.Attrs, imap.MailboxAttrHasNoChildren)
		}
		if entry.subscribed {
			data.Attrs = append(data.Attrs, imap.MailboxAttrSubscribed)
		}
		data.Attrs = append(data.Attrs, entry.specialUse...)
		if options.ReturnStatus != nil {
			status, err := s.UserSession.Status(entry.name, options.ReturnStatus)
			if err != nil {
				continue // deleted since the snapshot
			}
			data.Status = status
		}
		if err := w.WriteList(&data); err != nil {
			return err
		}
	}
	return nil
}

// matchesAny reports whether name matches any LIST pattern under ref.
func matchesAny(name, ref string, patterns []string) bool {
	for _, pattern := range patterns {
		if imapserver.MatchList(name, mailboxDelim, ref, pattern) {
			return true
		}
	}
	return false
}
