package mail

import (
	"sort"
	"strings"

	"github.com/emersion/go-imap/v2"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// specialUses lists the special uses in display order, each with its
// SPECIAL-USE attribute and the names clients commonly give such mailboxes
// (compared case-insensitively, best first).
func specialUses() []struct {
	use   string
	attr  imap.MailboxAttr
	names []string
} {
	return []struct {
		use   string
		attr  imap.MailboxAttr
		names []string
	}{
		{"drafts", imap.MailboxAttrDrafts, []string{"Drafts", "Draft", "Entwürfe", "Brouillons", "Borradores"}},
		{"sent", imap.MailboxAttrSent, []string{"Sent", "Sent Items", "Sent Messages", "Sent Mail", "Gesendet", "Gesendete Objekte", "Gesendete Elemente", "Envoyés", "Éléments envoyés", "Enviados"}},
		{"archive", imap.MailboxAttrArchive, []string{"Archive", "Archives", "Archiv"}},
		{"junk", imap.MailboxAttrJunk, []string{"Junk", "Spam", "Junk E-mail", "Junk Email", "Junk Mail", "Bulk Mail", "Spamverdacht"}},
		{"trash", imap.MailboxAttrTrash, []string{"Trash", "Deleted Items", "Deleted Messages", "Bin", "Papierkorb", "Gelöschte Elemente", "Corbeille", "Papelera"}},
	}
}

// specialRank orders siblings: INBOX, then special uses in display order.
func specialRank(use string) int {
	if use == "inbox" {
		return 0
	}
	for i, su := range specialUses() {
		if su.use == use {
			return i + 1
		}
	}
	return len(specialUses()) + 1
}

// assignSpecialUse sets SpecialUse: INBOX is "inbox"; SPECIAL-USE
// attributes win; for a use no attribute claimed, the best-named top-level
// mailbox (or child of INBOX, where some servers put everything) gets it.
// Each use goes to at most one mailbox by name, so "Sent" and "Sent Items"
// are not both shown as the sent folder.
func assignSpecialUse(mailboxes []Mailbox, attrs map[string][]imap.MailboxAttr) {
	claimed := map[string]bool{}
	for i := range mailboxes {
		mb := &mailboxes[i]
		if mb.Name == "INBOX" {
			mb.SpecialUse = "inbox"
			continue
		}
		for _, su := range specialUses() {
			for _, attr := range attrs[mb.Name] {
				if hasAttr(attr, su.attr) && mb.SpecialUse == "" {
					mb.SpecialUse = su.use
					claimed[su.use] = true
				}
			}
		}
	}
	for _, su := range specialUses() {
		if claimed[su.use] {
			continue
		}
		best, bestRank := -1, 0
		for i, mb := range mailboxes {
			if mb.SpecialUse != "" || mb.NoSelect || !nearTop(mb) {
				continue
			}
			for rank, name := range su.names {
				if strings.EqualFold(mb.DisplayName, name) {
					// Prefer better names, then top level over INBOX children.
					r := rank * 2
					if _, child := parentName(mb.Name, mb.Delimiter); child {
						r++
					}
					if best < 0 || r < bestRank {
						best, bestRank = i, r
					}
				}
			}
		}
		if best >= 0 {
			mailboxes[best].SpecialUse = su.use
		}
	}
}

// nearTop reports whether mb is top-level or a direct child of INBOX.
func nearTop(mb Mailbox) bool {
	if mb.Delimiter == 0 {
		return true
	}
	parent, ok := parentName(mb.Name, mb.Delimiter)
	return !ok || strings.EqualFold(parent, "INBOX")
}

// parentName returns the name of mb's parent, if it has one.
func parentName(name string, delim rune) (string, bool) {
	if delim == 0 || name == "INBOX" {
		return "", false
	}
	trimmed := strings.TrimRight(name, string(delim))
	i := strings.LastIndex(trimmed, string(delim))
	if i <= 0 {
		return "", false
	}
	parent := trimmed[:i]
	if strings.EqualFold(parent, "INBOX") {
		parent = "INBOX"
	}
	return parent, true
}

// orderMailboxes returns the mailboxes as a tree walked depth first:
// siblings in special-use order, then alphabetically; parents the server
// did not list are added as NoSelect so children never float free.
func orderMailboxes(mailboxes []Mailbox) []Mailbox {
	byName := make(map[string]*Mailbox, len(mailboxes))
	all := make([]*Mailbox, 0, len(mailboxes))
	for i := range mailboxes {
		mb := &mailboxes[i]
		byName[mb.Name] = mb
		all = append(all, mb)
	}
	for i := 0; i < len(all); i++ { // all grows while placeholders are added
		mb := all[i]
		parent, ok := parentName(mb.Name, mb.Delimiter)
		if !ok || byName[parent] != nil {
			continue
		}
		placeholder := &Mailbox{
			Name:        parent,
			DisplayName: displayName(parent, mb.Delimiter),
			Delimiter:   mb.Delimiter,
			NoSelect:    true,
		}
		byName[parent] = placeholder
		all = append(all, placeholder)
	}
	children := map[string][]*Mailbox{}
	var roots []*Mailbox
	for _, mb := range all {
		if parent, ok := parentName(mb.Name, mb.Delimiter); ok {
			children[parent] = append(children[parent], mb)
		} else {
			roots = append(roots, mb)
		}
	}
	out := make([]Mailbox, 0, len(all))
	coll := collate.New(language.Und, collate.IgnoreCase, collate.IgnoreDiacritics)
	var walk func(level []*Mailbox, depth int)
	walk = func(level []*Mailbox, depth int) {
		sortSiblings(level, coll)
		for _, mb := range level {
			mb.Depth = depth
			out = append(out, *mb)
			walk(children[mb.Name], depth+1)
		}
	}
	walk(roots, 0)
	return out
}

// sortSiblings sorts one level: special uses first, then by name with a
// Unicode collation, so "Ünïcödé" sorts with the U's and not after "Z".
func sortSiblings(level []*Mailbox, coll *collate.Collator) {
	sort.SliceStable(level, func(i, j int) bool {
		a, b := level[i], level[j]
		if ra, rb := specialRank(a.SpecialUse), specialRank(b.SpecialUse); ra != rb {
			return ra < rb
		}
		if c := coll.CompareString(a.DisplayName, b.DisplayName); c != 0 {
			return c < 0
		}
		return a.Name < b.Name
	})
}
