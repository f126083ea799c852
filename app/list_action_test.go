package app

import (
	"context"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// count is the number of messages in mailbox as a plain IMAP client sees
// it.
func (d *dovecotApp) count(t *testing.T, email, password, mailbox string) uint32 {
	t.Helper()
	data, err := d.env.IMAPClient(t, email, password).Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return data.NumMessages
}

func wantCode(t *testing.T, what string, err error, code Code, message string) {
	t.Helper()
	e := AsError(err)
	if e == nil || e.Code != code || (message != "" && e.Message != message) {
		t.Fatalf("%s: %v, want code %d %q", what, err, code, message)
	}
}

// TestRunListActionOnDovecot deletes to Trash, asks before deleting from
// Trash for good, and refuses what the user must change, against Dovecot.
func TestRunListActionOnDovecot(t *testing.T) {
	ctx := context.Background()
	d := newDovecotApp(t)
	sess, email, password := d.user(t)
	uids := d.env.AppendMessages(t, email, password, "INBOX", [][]byte{htmlMessage("one"), htmlMessage("two"), htmlMessage("three")})

	res, err := d.RunListAction(ctx, sess, ListAction{Action: ActDelete, Mailbox: "INBOX",
		Groups: []MessageGroup{{Mailbox: "INBOX", UIDs: []uint32{uint32(uids[0]), uint32(uids[1])}}}})
	if err != nil || !res.Removed || res.ForGood || res.Message != "Moved 2 messages to Trash." {
		t.Fatalf("delete from INBOX: %+v, %v", res, err)
	}
	if n := d.count(t, email, password, "Trash"); n != 2 {
		t.Fatalf("Trash holds %d messages, want 2", n)
	}

	empty := ListAction{Action: ActEmpty, Mailbox: "Trash"}
	res, err = d.RunListAction(ctx, sess, empty)
	if err != nil || res.Confirm == nil || res.Confirm.Question != "Empty Trash?" || res.Removed {
		t.Fatalf("empty without confirmation: %+v, %v", res, err)
	}
	if n := d.count(t, email, password, "Trash"); n != 2 {
		t.Fatalf("unconfirmed empty deleted messages: %d left", n)
	}
	empty.Confirmed = true
	res, err = d.RunListAction(ctx, sess, empty)
	if err != nil || !res.ForGood || res.Message != "Emptied Trash." {
		t.Fatalf("confirmed empty: %+v, %v", res, err)
	}
	if n := d.count(t, email, password, "Trash"); n != 0 {
		t.Fatalf("Trash holds %d messages after emptying", n)
	}

	_, err = d.RunListAction(ctx, sess, ListAction{Action: ActMove, Mailbox: "INBOX"})
	wantCode(t, "nothing selected", err, CodeInvalid, "Select at least one message first.")
	_, err = d.RunListAction(ctx, sess, OneMessage(ActMove, "INBOX", uint32(uids[2]), "INBOX"))
	wantCode(t, "move to its own folder", err, CodeInvalid, "The messages are in that folder already. Choose another one.")
	_, err = d.RunListAction(ctx, sess, OneMessage(ActArchive, "Gone", 1, ""))
	wantCode(t, "a folder that is gone", err, CodeInvalid, "That folder does not exist any more. Reload the page to see the current folders.")
}

// TestActOnMessageOnDovecot: the message page's actions name what they did
// the way its status line needs, through the same engine.
func TestActOnMessageOnDovecot(t *testing.T) {
	ctx := context.Background()
	d := newDovecotApp(t)
	sess, email, password := d.user(t)
	uids := d.env.AppendMessages(t, email, password, "INBOX", [][]byte{htmlMessage("one")})
	uid := uint32(uids[0])

	out, err := d.ActOnMessage(ctx, sess, MessageActionInput{Mailbox: "INBOX", UID: uid, Action: ActFlag})
	if err != nil || out.Done != "flagged" || out.Removed {
		t.Fatalf("flag: %+v, %v", out, err)
	}
	_, err = d.ActOnMessage(ctx, sess, MessageActionInput{Mailbox: "INBOX", UID: uid, Action: ActCopy, Target: "INBOX"})
	wantCode(t, "copy to its own folder", err, CodeInvalid, "The message is already in that folder.")
	_, err = d.ActOnMessage(ctx, sess, MessageActionInput{Mailbox: "INBOX", UID: uid, Action: "explode"})
	wantCode(t, "unknown action", err, CodeInvalid, "")

	out, err = d.ActOnMessage(ctx, sess, MessageActionInput{Mailbox: "INBOX", UID: uid, Action: ActDelete})
	if err != nil || out.Done != "deleted" || !out.Removed {
		t.Fatalf("delete: %+v, %v", out, err)
	}
	trashed := d.env.IMAPClient(t, email, password)
	if _, err := trashed.Select("Trash", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	found, err := trashed.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil || len(found.AllUIDs()) != 1 {
		t.Fatalf("Trash after delete: %v, %v", found, err)
	}
	out, err = d.ActOnMessage(ctx, sess, MessageActionInput{Mailbox: "Trash", UID: uint32(found.AllUIDs()[0]), Action: ActDelete})
	if err != nil || out.Done != "expunged" {
		t.Fatalf("delete from Trash: %+v, %v", out, err)
	}
}

// TestFolderChangesOnDovecot creates, refuses a taken name, moves a folder
// with its child and says what a delete would take along.
func TestFolderChangesOnDovecot(t *testing.T) {
	ctx := context.Background()
	d := newDovecotApp(t)
	sess, _, _ := d.user(t)

	for _, in := range []CreateFolderInput{{Name: "Projects"}, {Parent: "Projects", Name: "2024"}} {
		if err := d.CreateFolder(ctx, sess, in); err != nil {
			t.Fatalf("create %+v: %v", in, err)
		}
	}
	err := d.CreateFolder(ctx, sess, CreateFolderInput{Name: "inbox"})
	wantCode(t, "create INBOX again", err, CodeConflict, "")
	if !IsFolderRefusal(err) {
		t.Error("a taken name is not a refusal the folder page shows")
	}
	err = d.CreateFolder(ctx, sess, CreateFolderInput{Name: "a/b"})
	wantCode(t, "a name with the delimiter", err, CodeInvalid, "")

	done, err := d.RenameFolder(ctx, sess, RenameFolderInput{Folder: "Projects", Parent: "Archive", Name: "Plans"})
	if err != nil || done != FolderMoved {
		t.Fatalf("move: %q, %v", done, err)
	}
	_, err = d.RenameFolder(ctx, sess, RenameFolderInput{Folder: "Archive/Plans", Parent: "Archive/Plans/2024", Name: "x"})
	wantCode(t, "move into itself", err, CodeInvalid, "A folder cannot be moved into itself or into a folder inside it.")

	del, err := d.DeleteFolder(ctx, sess, DeleteFolderInput{Folder: "Archive/Plans"})
	if err != nil || del.Deleted || len(del.Subfolders) != 1 || del.Subfolders[0] != "Archive/Plans/2024" {
		t.Fatalf("delete without confirmation: %+v, %v", del, err)
	}
	if del, err = d.DeleteFolder(ctx, sess, DeleteFolderInput{Folder: "Archive/Plans", Confirmed: true}); err != nil || !del.Deleted {
		t.Fatalf("confirmed delete: %+v, %v", del, err)
	}
	list, err := d.ListFolders(ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := FindFolder(list.Folders, "Archive/Plans"); ok {
		t.Fatal("the deleted folder is still listed")
	}
	_, err = d.DeleteFolder(ctx, sess, DeleteFolderInput{Folder: "INBOX", Confirmed: true})
	wantCode(t, "delete INBOX", err, CodeInvalid, "The Inbox cannot be deleted: new mail arrives there.")
}
