package app

import (
	"errors"
	"fmt"
	"testing"

	"github.com/webmail/webmail/mail"
)

func TestPlanListAction(t *testing.T) {
	all := newFolderFacts([]mail.Mailbox{
		{Name: "INBOX", SpecialUse: "inbox"},
		{Name: "Bin", SpecialUse: "trash"},
		{Name: "Archives", SpecialUse: "archive"},
		{Name: "Spam", SpecialUse: "junk"},
		{Name: "Work"},
		{Name: "Lists", NoSelect: true},
	})
	bare := newFolderFacts([]mail.Mailbox{{Name: "INBOX", SpecialUse: "inbox"}, {Name: "Work"}})
	type want struct {
		add, remove    string
		moveTo, copyTo string
		create         string
		expunge, empty bool
		confirm        bool
		removes        bool
	}
	for _, tc := range []struct {
		action, source, use string
		folders             folderFacts
		target              string
		want                want
		err                 string
	}{
		{"read", "INBOX", "inbox", all, "", want{add: `[\Seen]`}, ""},
		{"unread", "Work", "", all, "", want{remove: `[\Seen]`}, ""},
		{"flag", "Work", "", all, "", want{add: `[\Flagged]`}, ""},
		{"unflag", "Work", "", all, "", want{remove: `[\Flagged]`}, ""},
		{"move", "INBOX", "inbox", all, "Work", want{moveTo: "Work", removes: true}, ""},
		{"move", "INBOX", "inbox", all, "", want{}, "Choose a folder first."},
		{"move", "INBOX", "inbox", all, "INBOX", want{}, "The messages are in that folder already. Choose another one."},
		{"move", "INBOX", "inbox", all, "Lists", want{}, "That folder does not exist any more. Reload the page to see the current folders."},
		{"copy", "INBOX", "inbox", all, "Work", want{copyTo: "Work"}, ""},
		{"delete", "INBOX", "inbox", all, "", want{moveTo: "Bin", removes: true}, ""},
		{"delete", "Bin", "trash", all, "", want{expunge: true, confirm: true, removes: true}, ""},
		{"delete", "INBOX", "inbox", bare, "", want{create: "trash", removes: true}, ""},
		{"archive", "INBOX", "inbox", all, "", want{moveTo: "Archives", removes: true}, ""},
		{"archive", "Work", "", bare, "", want{create: "archive", removes: true}, ""},
		{"archive", "Archives", "archive", all, "", want{}, "These messages are in the archive already."},
		{"junk", "INBOX", "inbox", all, "", want{add: "[$Junk]", remove: "[$NotJunk]", moveTo: "Spam", removes: true}, ""},
		{"junk", "Spam", "junk", all, "", want{add: "[$Junk]", remove: "[$NotJunk]"}, ""},
		{"junk", "INBOX", "inbox", bare, "", want{add: "[$Junk]", remove: "[$NotJunk]", create: "junk", removes: true}, ""},
		{"notjunk", "Spam", "junk", all, "", want{add: "[$NotJunk]", remove: "[$Junk]", moveTo: "INBOX", removes: true}, ""},
		{"notjunk", "Work", "", all, "", want{add: "[$NotJunk]", remove: "[$Junk]"}, ""},
		{"empty", "Bin", "trash", all, "", want{empty: true, confirm: true, removes: true}, ""},
		{"empty", "Spam", "junk", all, "", want{empty: true, confirm: true, removes: true}, ""},
		{"empty", "Work", "", all, "", want{}, "Only Trash and Junk can be emptied here."},
		{"burn", "Work", "", all, "", want{}, "That action is not known. Reload the page and try again."},
	} {
		name := fmt.Sprintf("%s in %s to %q", tc.action, tc.source, tc.target)
		p, err := planListAction(tc.action, tc.source, tc.use, tc.folders, tc.target)
		if tc.err != "" {
			var e *Error
			if !errors.As(err, &e) || e.Message != tc.err || e.Code != CodeInvalid {
				t.Errorf("%s: error %v, want %q", name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		flags := func(f []string) string {
			if len(f) == 0 {
				return ""
			}
			return fmt.Sprint(f)
		}
		got := want{flags(p.addFlags), flags(p.removeFlags), p.moveTo, p.copyTo, p.create, p.expunge, p.empty, p.confirm, p.removes()}
		if got != tc.want {
			t.Errorf("%s: %+v, want %+v", name, got, tc.want)
		}
	}
}
