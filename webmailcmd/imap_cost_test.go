package webmailcmd

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/internal/load"
	"github.com/webmail/webmail/internal/testenv"
)

// The command-cost table's settings: the defaults are a smoke run in
// `make test`; `make imapcost` passes the full ones (BENCHMARKS.md).
var (
	costMessages = flag.Int("imapcost.messages", 200, "IMAP command costs: messages in the INBOX")
	costRepeat   = flag.Int("imapcost.n", 20, "IMAP command costs: how often each command is sent")
	costOut      = flag.String("imapcost.out", "", "IMAP command costs: also write the Markdown table to this file")
)

// TestIMAPCommandCosts sends, on one kept-open connection to the test
// Dovecot with a generated INBOX and nine folders, each IMAP command a
// list page or a message view may send, many times, and reports the
// Dovecot CPU each one costs (its process tree, from /proc). It is how
// the webmail chooses between ways of asking (BENCHMARKS.md: neighbours
// by number rather than by UID SEARCH, the reading pane's LIST without
// counts). It asserts only that every command succeeded.
func TestIMAPCommandCosts(t *testing.T) {
	env := testenv.NewMail(t)
	email, password := env.AddUser(t)
	fillInbox(t, env, email, password, *costMessages)
	c := env.IMAPClient(t, email, password)
	for _, name := range []string{"Work", "Lists", "Archive/2025"} {
		if err := c.Create(name, nil).Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	mid := imap.UID(*costMessages / 2)
	var older, newer imap.UIDSet
	older.AddRange(1, mid-1)
	newer.AddRange(mid+1, 0)
	var around imap.SeqSet
	around.AddNum(uint32(mid)-1, uint32(mid)+1)
	var page imap.UIDSet // the list's first page: the 50 newest
	page.AddRange(imap.UID(max(*costMessages-49, 1)), imap.UID(*costMessages))
	status, err := c.Status("INBOX", &imap.StatusOptions{HighestModSeq: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	listAll := func(options *imap.ListOptions) func() error {
		return func() error { _, err := c.List("", "*", options).Collect(); return err }
	}
	commands := []struct {
		name string
		send func() error
	}{
		{"NOOP", func() error { return c.Noop().Wait() }},
		{"STATUS INBOX (MESSAGES UNSEEN UIDNEXT UIDVALIDITY HIGHESTMODSEQ), selected", func() error {
			_, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true, NumUnseen: true, UIDNext: true, UIDValidity: true, HighestModSeq: true}).Wait()
			return err
		}},
		{`LIST "" "*" RETURN (SUBSCRIBED SPECIAL-USE STATUS (MESSAGES UNSEEN))`, listAll(&imap.ListOptions{ReturnSubscribed: true, ReturnSpecialUse: true,
			ReturnStatus: &imap.StatusOptions{NumMessages: true, NumUnseen: true}})},
		{`LIST "" "*" RETURN (SUBSCRIBED SPECIAL-USE)`, listAll(&imap.ListOptions{ReturnSubscribed: true, ReturnSpecialUse: true})},
		{"UID SORT (REVERSE DATE) ALL", func() error {
			_, err := c.UIDSort(&imapclient.SortOptions{SearchCriteria: &imap.SearchCriteria{}, SortCriteria: []imapclient.SortCriterion{{Key: imapclient.SortKeyDate, Reverse: true}}}).Wait()
			return err
		}},
		{"UID FETCH <50> (FLAGS RFC822.SIZE INTERNALDATE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (Date From To Subject)]): a page's lines", func() error {
			_, err := c.Fetch(page, &imap.FetchOptions{UID: true, Flags: true, RFC822Size: true, InternalDate: true,
				BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
				BodySection:   []*imap.FetchItemBodySection{{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Date", "From", "To", "Subject"}, Peek: true}}}).Collect()
			return err
		}},
		{"UID FETCH <50> (FLAGS) (CHANGEDSINCE <highest>): a page's flags, nothing changed", func() error {
			_, err := c.Fetch(page, &imap.FetchOptions{UID: true, Flags: true, ChangedSince: status.HighestModSeq}).Collect()
			return err
		}},
		{"UID FETCH <one> (FLAGS)", func() error {
			_, err := c.Fetch(imap.UIDSetNum(mid), &imap.FetchOptions{UID: true, Flags: true}).Collect()
			return err
		}},
		{"UID FETCH <one> (RFC822.SIZE BODYSTRUCTURE BODY.PEEK[]<0.16384>)", func() error {
			_, err := c.Fetch(imap.UIDSetNum(mid), &imap.FetchOptions{UID: true, RFC822Size: true, BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
				BodySection: []*imap.FetchItemBodySection{{Peek: true, Partial: &imap.SectionPartial{Offset: 0, Size: 16384}}}}).Collect()
			return err
		}},
		{"neighbours: FETCH <n-1>,<n+1> (UID)", func() error {
			_, err := c.Fetch(around, &imap.FetchOptions{UID: true}).Collect()
			return err
		}},
		{"neighbours: UID SEARCH RETURN (MAX) UID 1:<uid-1>", func() error {
			_, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{older}}, &imap.SearchOptions{ReturnMax: true}).Wait()
			return err
		}},
		{"neighbours: UID SEARCH RETURN (MIN) UID <uid+1>:*", func() error {
			_, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{newer}}, &imap.SearchOptions{ReturnMin: true}).Wait()
			return err
		}},
	}
	pid := env.DovecotPID(t)
	var out strings.Builder
	fmt.Fprintf(&out, "INBOX of %d messages, nine folders, each command sent %d times on one connection.\n\n", *costMessages, *costRepeat)
	out.WriteString("| IMAP command | Dovecot CPU ms | round trip ms |\n|---|---:|---:|\n")
	for _, cmd := range commands {
		if err := cmd.send(); err != nil { // warm the caches
			t.Fatalf("%s: %v", cmd.name, err)
		}
		before := load.ReadTree(pid).CPU
		start := time.Now()
		for range *costRepeat {
			if err := cmd.send(); err != nil {
				t.Fatalf("%s: %v", cmd.name, err)
			}
		}
		wall := time.Since(start)
		cpu := load.ReadTree(pid).CPU - before
		fmt.Fprintf(&out, "| `%s` | %.3f | %.3f |\n", cmd.name, float64(cpu)/float64(*costRepeat)/1e6, float64(wall)/float64(*costRepeat)/1e6)
	}
	t.Log("\n" + out.String())
	if *costOut != "" {
		if err := os.WriteFile(*costOut, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
