package demo

import (
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

func TestIMAPLogin(t *testing.T) {
	s, _ := startDemo(t)
	tests := []struct {
		name, user, password string
		ok                   bool
	}{
		{"default user", DefaultUser, DefaultPassword, true},
		{"address is case-insensitive", "Demo@Example.TEST", DefaultPassword, true},
		{"wrong password", DefaultUser, "nope", false},
		{"unknown user", "nobody@example.test", DefaultPassword, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := imapclient.DialInsecure(s.IMAPAddr, nil)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			defer c.Close()
			err = c.Login(tt.user, tt.password).Wait()
			if tt.ok && err != nil {
				t.Fatalf("login refused: %v", err)
			}
			if !tt.ok && err == nil {
				t.Fatal("login accepted, want refusal")
			}
		})
	}
}

func TestIMAPListShowsFoldersWithAttributesAndStatus(t *testing.T) {
	s, _ := startDemo(t)
	c := loginIMAP(t, s)
	list, err := c.List("", "*", &imap.ListOptions{
		ReturnStatus: &imap.StatusOptions{NumMessages: true, NumUnseen: true},
	}).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	got := map[string]*imap.ListData{}
	for _, data := range list {
		got[data.Mailbox] = data
	}
	if len(got) != len(Folders()) {
		t.Errorf("LIST returned %d mailboxes, want %d", len(got), len(Folders()))
	}
	for _, f := range Folders() {
		data := got[f.Name]
		if data == nil {
			t.Errorf("LIST lacks %q", f.Name)
			continue
		}
		if f.SpecialUse != "" && !slices.Contains(data.Attrs, f.SpecialUse) {
			t.Errorf("%s attrs %v lack %s", f.Name, data.Attrs, f.SpecialUse)
		}
		wantChildren := imap.MailboxAttrHasNoChildren
		if f.Name == "Projects" {
			wantChildren = imap.MailboxAttrHasChildren
		}
		if !slices.Contains(data.Attrs, wantChildren) {
			t.Errorf("%s attrs %v lack %s", f.Name, data.Attrs, wantChildren)
		}
		if data.Status == nil || data.Status.NumMessages == nil || data.Status.NumUnseen == nil {
			t.Errorf("%s: no LIST-STATUS data", f.Name)
			continue
		}
		if int(*data.Status.NumMessages) != f.Messages || int(*data.Status.NumUnseen) != f.Unseen {
			t.Errorf("%s: LIST-STATUS %d messages, %d unseen; want %d, %d",
				f.Name, *data.Status.NumMessages, *data.Status.NumUnseen, f.Messages, f.Unseen)
		}
	}

	special, err := c.List("", "*", &imap.ListOptions{SelectSpecialUse: true}).Collect()
	if err != nil {
		t.Fatalf("LIST (SPECIAL-USE): %v", err)
	}
	if len(special) != 5 {
		t.Errorf("LIST (SPECIAL-USE) returned %d mailboxes, want 5", len(special))
	}
}

func TestIMAPStatusMatchesSeed(t *testing.T) {
	s, _ := startDemo(t)
	c := loginIMAP(t, s)
	for _, f := range Folders() {
		st, err := c.Status(f.Name, &imap.StatusOptions{NumMessages: true, NumUnseen: true}).Wait()
		if err != nil {
			t.Fatalf("STATUS %s: %v", f.Name, err)
		}
		if int(*st.NumMessages) != f.Messages || int(*st.NumUnseen) != f.Unseen {
			t.Errorf("STATUS %s = %d messages, %d unseen; want %d, %d", f.Name, *st.NumMessages, *st.NumUnseen, f.Messages, f.Unseen)
		}
	}
}

func TestIMAPFolderChangesShowInList(t *testing.T) {
	s, _ := startDemo(t)
	c := loginIMAP(t, s)
	if err := c.Create("Starred", &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttrFlagged}}).Wait(); err != nil {
		t.Fatalf("CREATE: %v", err)
	}
	if err := c.Rename("Starred", "Projects/Starred", nil).Wait(); err != nil {
		t.Fatalf("RENAME: %v", err)
	}
	if err := c.Delete("Receipts").Wait(); err != nil {
		t.Fatalf("DELETE: %v", err)
	}
	if err := c.Delete("INBOX").Wait(); err == nil {
		t.Error("DELETE INBOX succeeded")
	}
	if err := c.Rename("INBOX", "Old", nil).Wait(); err == nil {
		t.Error("RENAME INBOX succeeded")
	}
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	attrs := map[string][]imap.MailboxAttr{}
	for _, data := range list {
		attrs[data.Mailbox] = data.Attrs
	}
	if _, ok := attrs["Receipts"]; ok {
		t.Error("deleted Receipts still listed")
	}
	if _, ok := attrs["Starred"]; ok {
		t.Error("renamed Starred still listed under its old name")
	}
	if !slices.Contains(attrs["Projects/Starred"], imap.MailboxAttrFlagged) {
		t.Errorf("Projects/Starred attrs %v lack \\Flagged", attrs["Projects/Starred"])
	}
}
