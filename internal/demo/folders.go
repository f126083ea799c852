package demo

import (
	"slices"
	"strings"
	"sync"

	"github.com/emersion/go-imap/v2"
)

// Folder describes one mailbox every demo account starts with.
type Folder struct {
	// Name is the IMAP mailbox name; "/" separates levels.
	Name string
	// SpecialUse is the RFC 6154 attribute announced in LIST, empty for
	// user folders.
	SpecialUse imap.MailboxAttr
	// Messages is how many messages seeding puts in the folder.
	Messages int
	// Unseen is how many of those lack the \Seen flag.
	Unseen int
}

// Folders returns the mailboxes of a demo account, in display order, with
// the number of messages Options.Seed puts in each. Without Seed the same
// folders exist, empty.
func Folders() []Folder {
	return []Folder{
		{Name: "INBOX", Messages: 300, Unseen: 60},
		{Name: "Drafts", SpecialUse: imap.MailboxAttrDrafts, Messages: 5},
		{Name: "Sent", SpecialUse: imap.MailboxAttrSent, Messages: 60},
		{Name: "Archive", SpecialUse: imap.MailboxAttrArchive, Messages: 80},
		{Name: "Junk", SpecialUse: imap.MailboxAttrJunk, Messages: 15, Unseen: 10},
		{Name: "Trash", SpecialUse: imap.MailboxAttrTrash, Messages: 10},
		{Name: "Projects", Messages: 18, Unseen: 2},
		{Name: "Projects/Webmail", Messages: 24, Unseen: 4},
		{Name: "Receipts", Messages: 30, Unseen: 3},
		{Name: "Família", Messages: 12, Unseen: 1},
	}
}

// folderIndex mirrors the mailbox names of one account with the metadata
// imapmemserver does not keep or does not expose: special-use attributes
// (beta.8 ignores CREATE's USE option) and subscriptions. The IMAP session
// keeps it in step with CREATE, DELETE, RENAME and (UN)SUBSCRIBE so LIST can
// answer from it.
type folderIndex struct {
	mu      sync.Mutex
	folders map[string]*folderMeta
}

// folderMeta is what LIST reports about one mailbox beyond its name.
type folderMeta struct {
	specialUse []imap.MailboxAttr
	subscribed bool
}

// folderEntry is a snapshot of one mailbox for LIST.
type folderEntry struct {
	name        string
	specialUse  []imap.MailboxAttr
	subscribed  bool
	hasChildren bool
}

func newFolderIndex() *folderIndex {
	return &folderIndex{folders: make(map[string]*folderMeta)}
}

func (fi *folderIndex) add(name string, specialUse []imap.MailboxAttr) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.folders[name] = &folderMeta{specialUse: slices.Clone(specialUse)}
}

func (fi *folderIndex) remove(name string) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	delete(fi.folders, name)
}

func (fi *folderIndex) rename(oldName, newName string) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if meta := fi.folders[oldName]; meta != nil {
		delete(fi.folders, oldName)
		fi.folders[newName] = meta
	}
}

func (fi *folderIndex) setSubscribed(name string, subscribed bool) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if meta := fi.folders[name]; meta != nil {
		meta.subscribed = subscribed
	}
}

// snapshot returns every mailbox sorted by name, with child information
// worked out from the names.
func (fi *folderIndex) snapshot() []folderEntry {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	out := make([]folderEntry, 0, len(fi.folders))
	for name, meta := range fi.folders {
		out = append(out, folderEntry{
			name:       name,
			specialUse: slices.Clone(meta.specialUse),
			subscribed: meta.subscribed,
		})
	}
	slices.SortFunc(out, func(a, b folderEntry) int { return strings.Compare(a.name, b.name) })
	for i := range out {
		prefix := out[i].name + string(mailboxDelim)
		for j := range out {
			if strings.HasPrefix(out[j].name, prefix) {
				out[i].hasChildren = true
				break
			}
		}
	}
	return out
}
