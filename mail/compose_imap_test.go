package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

func draftMessage(version int) []byte {
	return []byte(fmt.Sprintf("From: alice@example.test\r\nTo: bob@example.test\r\nSubject: Draft v%d\r\n"+
		"Date: Mon, 01 Jan 2024 12:00:00 +0000\r\nMessage-ID: <draft%d@example.test>\r\n\r\nVersion %d of the text.\r\n",
		version, version, version))
}

// fetchByUID reads flags, INTERNALDATE and the raw bytes of one message
// over a separate connection, so nothing the Client cached can help.
func fetchByUID(t *testing.T, c *imapclient.Client, mailbox string, uid uint32) (flags []imap.Flag, date time.Time, raw []byte) {
	t.Helper()
	if _, err := c.Select(mailbox, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
		Flags: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 {
		t.Fatalf("UID %d in %s: %d messages", uid, mailbox, len(msgs))
	}
	for _, b := range msgs[0].BodySection {
		raw = b.Bytes
	}
	return msgs[0].Flags, msgs[0].InternalDate, raw
}

func uidsIn(t *testing.T, c *imapclient.Client, mailbox string) []uint32 {
	t.Helper()
	if _, err := c.Select(mailbox, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagDeleted}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	var uids []uint32
	for _, uid := range data.AllUIDs() {
		uids = append(uids, uint32(uid))
	}
	return uids
}

func TestDovecotAppend(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	c := dialDovecot(t, ep, email, password)
	ctx := context.Background()
	sent, err := c.SentMailbox(ctx)
	if err != nil || sent != "Sent" {
		t.Fatalf("SentMailbox = %q, %v", sent, err)
	}
	raw := testMessage(7, true)
	date := time.Date(2024, 3, 4, 5, 6, 7, 0, time.FixedZone("", 3600))
	got, err := c.Append(ctx, sent, []string{FlagSeen}, date, int64(len(raw)), bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	if got.UID == 0 || got.UIDValidity == 0 {
		t.Fatalf("Append = %+v, want APPENDUID from Dovecot", got)
	}
	flags, internal, stored := fetchByUID(t, env.IMAPClient(t, email, password), sent, got.UID)
	if !slices.Contains(flags, imap.FlagSeen) || !internal.Equal(date) || !bytes.Equal(stored, raw) {
		t.Errorf("stored flags %v, date %v, bytes equal %v; want \\Seen, %v, true", flags, internal, bytes.Equal(stored, raw), date)
	}

	// The Client is still usable for other work afterwards.
	if _, err := listNewest(ctx, c, sent, 1, 10); err != nil {
		t.Fatalf("listing after Append: %v", err)
	}
}

func TestDovecotAppendFailures(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	ctx := context.Background()
	c := dialDovecot(t, ep, email, password)
	raw := testMessage(1, false)
	_, err := c.Append(ctx, "No Such Folder", nil, time.Time{}, int64(len(raw)), bytes.NewReader(raw))
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Append to a missing mailbox = %v, want ErrNotFound", err)
	}
	if c.Broken() {
		t.Fatal("a refused APPEND broke the connection")
	}

	// A reader that ends early cannot finish the literal: the connection
	// is given up and nothing is stored.
	_, err = c.Append(ctx, "Drafts", nil, time.Time{}, int64(len(raw))+10, bytes.NewReader(raw))
	if err == nil || !c.Broken() {
		t.Fatalf("Append of a short message = %v, broken %v; want an error and a broken Client", err, c.Broken())
	}
	failing := io.MultiReader(bytes.NewReader(raw[:20]), iotestErrReader{errors.New("store failed")})
	c2 := dialDovecot(t, ep, email, password)
	if _, err := c2.Append(ctx, "Drafts", nil, time.Time{}, int64(len(raw)), failing); err == nil || !strings.Contains(err.Error(), "store failed") {
		t.Fatalf("Append from a failing reader = %v, want the reader's error", err)
	}
	if uids := uidsIn(t, env.IMAPClient(t, email, password), "Drafts"); len(uids) != 0 {
		t.Fatalf("Drafts holds %v after failed appends, want nothing", uids)
	}
}

type iotestErrReader struct{ err error }

func (r iotestErrReader) Read([]byte) (int, error) { return 0, r.err }

func TestDovecotReplaceDraft(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	ctx := context.Background()
	c := dialDovecot(t, ep, email, password)
	drafts, err := c.DraftsMailbox(ctx)
	if err != nil || drafts != "Drafts" {
		t.Fatalf("DraftsMailbox = %q, %v", drafts, err)
	}
	// An unrelated message flagged \Deleted must survive the replacement:
	// only the old draft's UID is expunged.
	other := env.AppendRaw(t, email, password, drafts, testMessage(9, false))
	if err := c.SetFlags(ctx, drafts, []string{`\Deleted`}, true, uint32(other)); err != nil {
		t.Fatal(err)
	}

	var uid uint32
	for version := 1; version <= 3; version++ {
		raw := draftMessage(version)
		got, err := c.ReplaceDraft(ctx, drafts, uid, int64(len(raw)), bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("ReplaceDraft v%d: %v", version, err)
		}
		if got.UID == 0 || got.UID == uid {
			t.Fatalf("ReplaceDraft v%d = %+v after UID %d", version, got, uid)
		}
		uid = got.UID
		check := env.IMAPClient(t, email, password)
		if uids := uidsIn(t, check, drafts); !slices.Equal(uids, []uint32{uid}) {
			t.Fatalf("after v%d Drafts holds %v (not \\Deleted), want only %d", version, uids, uid)
		}
		flags, _, stored := fetchByUID(t, check, drafts, uid)
		if !slices.Contains(flags, imap.FlagDraft) || !slices.Contains(flags, imap.FlagSeen) || !bytes.Equal(stored, raw) {
			t.Fatalf("v%d stored with flags %v, bytes equal %v", version, flags, bytes.Equal(stored, raw))
		}
	}
	check := env.IMAPClient(t, email, password)
	if _, err := check.Select(drafts, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	all, err := check.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(all.AllUIDs(), other) {
		t.Errorf("the other \\Deleted message %d was expunged with the old drafts", other)
	}
}

func TestDovecotMarkAnsweredForwarded(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	ctx := context.Background()
	uid := uint32(env.AppendRaw(t, email, password, "INBOX", testMessage(1, false)))
	c := dialDovecot(t, ep, email, password)
	if err := c.MarkAnswered(ctx, "INBOX", uid); err != nil {
		t.Fatal(err)
	}
	marked, err := c.MarkForwarded(ctx, "INBOX", uid)
	if err != nil || !marked {
		t.Fatalf("MarkForwarded = %v, %v; Dovecot allows new keywords", marked, err)
	}
	flags, _, _ := fetchByUID(t, env.IMAPClient(t, email, password), "INBOX", uid)
	if !slices.Contains(flags, imap.FlagAnswered) || !slices.Contains(flags, imap.Flag(FlagForwarded)) {
		t.Errorf("flags %v, want \\Answered and $Forwarded", flags)
	}
}

func TestKeywordAllowed(t *testing.T) {
	for _, tc := range []struct {
		permanent []imap.Flag
		want      bool
	}{
		{nil, true}, // no PERMANENTFLAGS: everything is permanent
		{[]imap.Flag{imap.FlagSeen, imap.FlagWildcard}, true},
		{[]imap.Flag{imap.FlagSeen, "$forwarded"}, true},
		{[]imap.Flag{imap.FlagSeen, imap.FlagAnswered}, false},
		{[]imap.Flag{}, false},
	} {
		if got := keywordAllowed(tc.permanent, FlagForwarded); got != tc.want {
			t.Errorf("keywordAllowed(%v) = %v, want %v", tc.permanent, got, tc.want)
		}
	}
}

func TestSpecialFoldersCreatedWhenMissing(t *testing.T) {
	srv := startMemServer(t, nil)
	srv.create(t, "Sent Items", "Work")
	c := srv.dial(t)
	ctx := context.Background()
	if sent, err := c.SentMailbox(ctx); err != nil || sent != "Sent Items" {
		t.Errorf("SentMailbox = %q, %v; want the name fallback %q", sent, err, "Sent Items")
	}
	drafts, err := c.DraftsMailbox(ctx)
	if err != nil || drafts != "Drafts" {
		t.Fatalf("DraftsMailbox = %q, %v; want %q created", drafts, err, "Drafts")
	}
	if again, err := c.DraftsMailbox(ctx); err != nil || again != "Drafts" {
		t.Errorf("DraftsMailbox again = %q, %v", again, err)
	}
}
