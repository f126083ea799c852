package mail

import (
	"fmt"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

func TestOrderMailboxes(t *testing.T) {
	tests := []struct {
		name  string
		delim rune
		list  []string
		attrs map[string][]imap.MailboxAttr
		want  []string // "depth name use"
	}{
		{
			name:  "attributes beat names",
			delim: '/',
			list:  []string{"Trash", "Deleted Items", "Sent", "Gesendete Objekte", "Junk-ish", "INBOX", "Drafts"},
			attrs: map[string][]imap.MailboxAttr{"Deleted Items": {imap.MailboxAttrTrash}, "Gesendete Objekte": {"\\sent"}},
			want:  []string{"0 INBOX inbox", "0 Drafts drafts", "0 Gesendete Objekte sent", "0 Deleted Items trash", "0 Junk-ish ", "0 Sent ", "0 Trash "},
		},
		{
			name:  "children of INBOX (Cyrus style)",
			delim: '.',
			list:  []string{"INBOX", "INBOX.Trash", "INBOX.Sent Messages", "INBOX.Archive", "INBOX.Projects", "INBOX.Projects.2024", "INBOX.Drafts", "INBOX.Spam"},
			want: []string{"0 INBOX inbox", "1 INBOX.Drafts drafts", "1 INBOX.Sent Messages sent", "1 INBOX.Archive archive",
				"1 INBOX.Spam junk", "1 INBOX.Trash trash", "1 INBOX.Projects ", "2 INBOX.Projects.2024 "},
		},
		{
			name:  "deep names are not special",
			delim: '/',
			list:  []string{"INBOX", "Clients/Trash", "Clients/Sent"},
			want:  []string{"0 INBOX inbox", "0 Clients ", "1 Clients/Sent ", "1 Clients/Trash "},
		},
		{
			name:  "best name wins",
			delim: '/',
			list:  []string{"Sent Items", "Sent", "inbox"},
			want:  []string{"0 INBOX inbox", "0 Sent sent", "0 Sent Items "},
		},
		{
			name:  "flat namespace",
			delim: 0,
			list:  []string{"b/c", "INBOX", "a", "Spam"},
			want:  []string{"0 INBOX inbox", "0 Spam junk", "0 a ", "0 b/c "},
		},
		{
			name:  "collation",
			delim: '/',
			list:  []string{"zeta", "Émile", "alpha", "Zoo", "éclair"},
			want:  []string{"0 alpha ", "0 éclair ", "0 Émile ", "0 zeta ", "0 Zoo "},
		},
	}
	for _, tc := range tests {
		var mbs []Mailbox
		for _, name := range tc.list {
			mbs = append(mbs, newMailbox(&imap.ListData{Mailbox: name, Delim: tc.delim, Attrs: tc.attrs[name]}))
		}
		attrs := map[string][]imap.MailboxAttr{}
		for _, mb := range mbs {
			attrs[mb.Name] = tc.attrs[mb.Name]
		}
		assignSpecialUse(mbs, attrs)
		var got []string
		for _, mb := range orderMailboxes(mbs) {
			got = append(got, fmt.Sprintf("%d %s %s", mb.Depth, mb.Name, mb.SpecialUse))
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestDisplayName(t *testing.T) {
	for _, tc := range []struct {
		name  string
		delim rune
		want  string
	}{
		{"INBOX", '/', "Inbox"},
		{"Work/Projects", '/', "Projects"},
		{"INBOX.Sent", '.', "Sent"},
		{"Trailing/", '/', "Trailing"},
		{"a/b", 0, "a/b"},
		{"Ünïcödé & Co", '/', "Ünïcödé & Co"},
	} {
		if got := displayName(tc.name, tc.delim); got != tc.want {
			t.Errorf("displayName(%q, %q) = %q, want %q", tc.name, tc.delim, got, tc.want)
		}
	}
}
