package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/store"
)

// noise is a reader of n pseudo-random bytes that holds none of them.
type noise struct {
	left  int64
	state uint64
}

func (r *noise) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	for i := range p {
		r.state = r.state*6364136223846793005 + 1442695040888963407
		p[i] = byte(r.state >> 56)
	}
	r.left -= int64(len(p))
	return len(p), nil
}

// TestUploadStreamsIntoStore uploads 100 MiB through AddUpload into
// MinIO, which also writes the Drafts copy with the file in it (the file
// read back from the store twice and streamed into an IMAP APPEND), and
// checks the heap stayed far below the file's size: it is streamed,
// never held. The bound is the s3 backend's own part buffer
// (attachments.S3PartSize, 8 MiB; a bare Put of 100 MiB with 16 MiB parts
// peaked at about 25 MiB by this measure, which counts garbage not yet collected) and
// room for that garbage.
func TestUploadStreamsIntoStore(t *testing.T) {
	ctx := context.Background()
	d := newComposeApp(t, 200<<20)
	sess, _, _ := d.user(t)
	id, err := d.NewCompose(ctx, sess, NewComposeInput{Subject: "big"})
	if err != nil {
		t.Fatal(err)
	}
	const size = 100 << 20
	heap := testenv.WatchHeap(t)
	up, err := d.AddUpload(ctx, sess, UploadInput{ComposeID: id, Filename: "big.bin", ContentType: "application/octet-stream", Body: &noise{left: size}})
	growth := heap.Stop()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("heap growth during a %d MiB upload: %.1f MiB", size>>20, float64(growth)/(1<<20))
	if growth > 40<<20 {
		t.Errorf("heap grew by %d bytes during the upload, want < 40 MiB", growth)
	}
	if up.Size != size {
		t.Errorf("upload size = %d, want %d", up.Size, size)
	}
	content, err := d.ReadUpload(ctx, sess, id, up.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer content.Body.Close()
	want := sha256.New()
	io.Copy(want, &noise{left: size})
	got := sha256.New()
	if n, err := io.Copy(got, content.Body); err != nil || n != size {
		t.Fatalf("read back %d bytes: %v", n, err)
	}
	if !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
		t.Error("stored bytes differ from the upload")
	}
}

// TestUploadOverLimitKeepsNothing refuses a file over the limit with
// CodeTooLarge and leaves no object in the store and no row.
func TestUploadOverLimitKeepsNothing(t *testing.T) {
	ctx := context.Background()
	d := newComposeApp(t, 1<<20)
	sess, _, _ := d.user(t)
	id, err := d.NewCompose(ctx, sess, NewComposeInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.AddUpload(ctx, sess, UploadInput{ComposeID: id, Filename: "x.bin", Body: &noise{left: 3 << 20}})
	wantCode(t, "upload over the limit", err, CodeTooLarge, "")
	if !strings.Contains(AsError(err).Message, "1 MB") {
		t.Errorf("message %q does not say the limit", AsError(err).Message)
	}
	if keys := d.objects(t, "uploads/"); len(keys) != 0 {
		t.Errorf("objects left after a refused upload: %v", keys)
	}
	page, err := d.OpenCompose(ctx, sess, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Uploads) != 0 {
		t.Errorf("uploads after a refused one: %+v", page.Uploads)
	}
	// What fits still goes in, and then counts against the rest.
	if _, err := d.AddUpload(ctx, sess, UploadInput{ComposeID: id, Filename: "a.bin", Body: &noise{left: 600 << 10}}); err != nil {
		t.Fatal(err)
	}
	_, err = d.AddUpload(ctx, sess, UploadInput{ComposeID: id, Filename: "b.bin", Body: &noise{left: 600 << 10}})
	wantCode(t, "second upload over the total", err, CodeTooLarge, "")
}

// TestComposeOwnership: another user's compose and uploads are not found,
// whatever they try.
func TestComposeOwnership(t *testing.T) {
	ctx := context.Background()
	d := newComposeApp(t, 0)
	alice, _, _ := d.user(t)
	bob, _, _ := d.user(t)
	id, err := d.NewCompose(ctx, alice, NewComposeInput{To: "x@example.org", Subject: "private"})
	if err != nil {
		t.Fatal(err)
	}
	up, err := d.AddUpload(ctx, alice, UploadInput{ComposeID: id, Filename: "secret.txt", Body: strings.NewReader("secret")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.OpenCompose(ctx, bob, id)
	wantCode(t, "open", err, CodeNotFound, "")
	_, err = d.SaveCompose(ctx, bob, SaveComposeInput{ID: id, Revision: 1, Subject: "mine now"})
	wantCode(t, "save", err, CodeNotFound, "")
	_, err = d.ReadUpload(ctx, bob, id, up.ID)
	wantCode(t, "read upload", err, CodeNotFound, "")
	err = d.DeleteUpload(ctx, bob, id, up.ID)
	wantCode(t, "delete upload", err, CodeNotFound, "")
	_, err = d.AddUpload(ctx, bob, UploadInput{ComposeID: id, Filename: "x", Body: strings.NewReader("x")})
	wantCode(t, "upload into it", err, CodeNotFound, "")
	err = d.DiscardCompose(ctx, bob, id)
	wantCode(t, "discard", err, CodeNotFound, "")
	// Bob's own compose cannot reach Alice's upload through its ID either.
	bobs, err := d.NewCompose(ctx, bob, NewComposeInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.ReadUpload(ctx, bob, bobs, up.ID)
	wantCode(t, "read upload through own compose", err, CodeNotFound, "")
	// Alice still has everything.
	page, err := d.OpenCompose(ctx, alice, id)
	if err != nil || page.Compose.Subject != "private" || len(page.Uploads) != 1 {
		t.Fatalf("Alice's compose after Bob's attempts: %+v, %v", page, err)
	}
}

// TestTwoWindowsSaveVisibly: the later save wins and says it overwrote
// the other window's; the other window, saving next, hears the same.
func TestTwoWindowsSaveVisibly(t *testing.T) {
	ctx := context.Background()
	d := newComposeApp(t, 0)
	sess, _, _ := d.user(t)
	id, err := d.NewCompose(ctx, sess, NewComposeInput{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := d.SaveCompose(ctx, sess, SaveComposeInput{ID: id, Revision: 1, Subject: "from tab A"})
	if err != nil || first.Overwrote {
		t.Fatalf("tab A's save: %+v, %v", first, err)
	}
	second, err := d.SaveCompose(ctx, sess, SaveComposeInput{ID: id, Revision: 1, Subject: "from tab B"})
	if err != nil {
		t.Fatal(err)
	}
	if !second.Overwrote || second.OtherSavedAt.IsZero() || second.Revision <= first.Revision {
		t.Fatalf("tab B's save over A's: %+v", second)
	}
	page, err := d.OpenCompose(ctx, sess, id)
	if err != nil || page.Compose.Subject != "from tab B" {
		t.Fatalf("after B: %q, %v", page.Compose.Subject, err)
	}
	third, err := d.SaveCompose(ctx, sess, SaveComposeInput{ID: id, Revision: first.Revision, Subject: "tab A again"})
	if err != nil || !third.Overwrote {
		t.Fatalf("tab A's next save: %+v, %v", third, err)
	}
	fourth, err := d.SaveCompose(ctx, sess, SaveComposeInput{ID: id, Revision: third.Revision, Subject: "tab A once more"})
	if err != nil || fourth.Overwrote {
		t.Fatalf("a save on the current revision: %+v, %v", fourth, err)
	}
	// Leaving the page sends the same fields again: no new revision, so
	// the reloaded page, which may have read the revision before, is
	// not in conflict with itself.
	same, err := d.SaveCompose(ctx, sess, SaveComposeInput{ID: id, Revision: fourth.Revision, Subject: "tab A once more", CopyToDrafts: true})
	if err != nil || same.Overwrote || same.Revision != fourth.Revision || !same.DraftCopied {
		t.Fatalf("an unchanged save: %+v, %v", same, err)
	}
}

// replyFixture delivers a message to the user, addressed to the user,
// their second identity and others, and returns its UID.
func replyFixture(t *testing.T, d *composeApp, email, password, alias string) uint32 {
	t.Helper()
	raw := "From: Carol <carol@example.org>\r\n" +
		"To: " + alias + ", Dave <dave@example.org>, " + strings.ToUpper(email) + "\r\n" +
		"Cc: erin@example.org, " + email + "\r\n" +
		"Subject: Re: Lunch\r\nMessage-ID: <lunch-2@example.org>\r\nReferences: <lunch-1@example.org>\r\n" +
		"In-Reply-To: <lunch-1@example.org>\r\n" +
		"Date: Fri, 1 Mar 2024 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNoon?\r\n"
	return uint32(d.env.AppendRaw(t, email, password, "INBOX", []byte(raw)))
}

// TestReplyAllAndIdentity: reply-all never includes any of the user's
// addresses, and the reply is written as the identity the original was
// sent to.
func TestReplyAllAndIdentity(t *testing.T) {
	ctx := context.Background()
	d := newComposeApp(t, 0)
	sess, email, password := d.user(t)
	alias := "alias-" + strings.SplitN(email, "@", 2)[0] + "@example.test"
	if err := d.SaveIdentity(ctx, sess, IdentityInput{Email: alias, Name: "Alias"}); err != nil {
		t.Fatal(err)
	}
	uid := replyFixture(t, d, email, password, alias)
	id, err := d.Reply(ctx, sess, ReplyInput{Original: OriginalRef{Mailbox: "INBOX", UID: uid}, All: true})
	if err != nil {
		t.Fatal(err)
	}
	page, err := d.OpenCompose(ctx, sess, id)
	if err != nil {
		t.Fatal(err)
	}
	c := page.Compose
	all := strings.ToLower(c.To + "," + c.Cc + "," + c.Bcc)
	for _, own := range []string{strings.ToLower(email), alias} {
		if strings.Contains(all, own) {
			t.Errorf("reply-all includes the user's own %s: to %q cc %q", own, c.To, c.Cc)
		}
	}
	for _, want := range []string{"carol@example.org", "dave@example.org"} {
		if !strings.Contains(c.To, want) {
			t.Errorf("To %q lacks %s", c.To, want)
		}
	}
	if c.Cc != "erin@example.org" {
		t.Errorf("Cc = %q, want erin@example.org", c.Cc)
	}
	if c.Subject != "Re: Lunch" || c.InReplyTo != "lunch-2@example.org" || c.References != "lunch-1@example.org lunch-2@example.org" {
		t.Errorf("threading: subject %q, in-reply-to %q, references %q", c.Subject, c.InReplyTo, c.References)
	}
	if !strings.Contains(c.BodyText, "> Noon?") {
		t.Errorf("body does not quote the original: %q", c.BodyText)
	}
	var aliasID int64
	for _, ident := range page.Identities {
		if ident.Email == alias {
			aliasID = ident.ID
		}
	}
	if aliasID == 0 || c.IdentityID != aliasID {
		t.Errorf("identity = %d, want the alias's %d (To lists the alias first)", c.IdentityID, aliasID)
	}
	// A plain reply goes to the sender only.
	id, err = d.Reply(ctx, sess, ReplyInput{Original: OriginalRef{Mailbox: "INBOX", UID: uid}})
	if err != nil {
		t.Fatal(err)
	}
	page, err = d.OpenCompose(ctx, sess, id)
	if err != nil || page.Compose.To != "Carol <carol@example.org>" || page.Compose.Cc != "" {
		t.Errorf("reply: to %q cc %q, %v", page.Compose.To, page.Compose.Cc, err)
	}
}

// TestForwardInlineKeepsAttachments: the original's attachment is copied
// into the forward's uploads byte for byte, and ends up in the message.
func TestForwardInlineKeepsAttachments(t *testing.T) {
	ctx := context.Background()
	d := newComposeApp(t, 0)
	sess, email, password := d.user(t)
	payload := make([]byte, 300<<10)
	io.ReadFull(&noise{left: int64(len(payload)), state: 7}, payload)
	raw := "From: Carol <carol@example.org>\r\nTo: " + email + "\r\nSubject: Report\r\nMessage-ID: <report@example.org>\r\n" +
		"Date: Fri, 1 Mar 2024 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attached.\r\n" +
		"--b1\r\nContent-Type: application/pdf; name=\"r\u00e9port.pdf\"\r\nContent-Disposition: attachment; filename*=utf-8''r%C3%A9port.pdf\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + wrap76(base64.StdEncoding.EncodeToString(payload)) + "--b1--\r\n"
	uid := uint32(d.env.AppendRaw(t, email, password, "INBOX", []byte(raw)))
	id, err := d.Forward(ctx, sess, ForwardInput{Original: OriginalRef{Mailbox: "INBOX", UID: uid}})
	if err != nil {
		t.Fatal(err)
	}
	page, err := d.OpenCompose(ctx, sess, id)
	if err != nil {
		t.Fatal(err)
	}
	if page.Compose.Subject != "Fwd: Report" || !strings.Contains(page.Compose.BodyText, "See attached.") {
		t.Errorf("forward: subject %q body %q", page.Compose.Subject, page.Compose.BodyText)
	}
	if len(page.Uploads) != 1 || page.Uploads[0].Filename != "réport.pdf" || page.Uploads[0].ContentType != "application/pdf" {
		t.Fatalf("uploads = %+v", page.Uploads)
	}
	content, err := d.ReadUpload(ctx, sess, id, page.Uploads[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(content.Body)
	content.Body.Close()
	if sha256.Sum256(got) != sha256.Sum256(payload) {
		t.Errorf("forwarded attachment differs: %d bytes, want %d", len(got), len(payload))
	}
	// The Drafts copy carries it too.
	if _, err := d.SaveCompose(ctx, sess, SaveComposeInput{ID: id, Revision: page.Compose.Revision, To: "x@example.org",
		Subject: page.Compose.Subject, BodyText: page.Compose.BodyText, CopyToDrafts: true}); err != nil {
		t.Fatal(err)
	}
	drafts := d.mailboxUIDs(t, email, password, "Drafts")
	if len(drafts) != 1 {
		t.Fatalf("Drafts holds %d messages, want 1", len(drafts))
	}
	msg, err := mime.ParseMessage(d.fetchRaw(t, email, password, "Drafts", drafts[0]))
	if err != nil || len(msg.Parts) != 1 || msg.Parts[0].Filename != "réport.pdf" || msg.Parts[0].Size != int64(len(payload)) {
		t.Fatalf("draft parts: %+v, %v", msg.Parts, err)
	}
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	return b.String() + s + "\r\n"
}

// TestDraftCopyReplacedAndContinued: each explicit save leaves exactly one
// copy in Drafts; continuing that copy finds the open compose; a draft
// from elsewhere becomes a new compose that replaces it on save.
func TestDraftCopyReplacedAndContinued(t *testing.T) {
	ctx := context.Background()
	d := newComposeApp(t, 0)
	sess, email, password := d.user(t)
	id, err := d.NewCompose(ctx, sess, NewComposeInput{Mailto: "mailto:bob@example.org?subject=Plans&cc=c@example.org&body=Hi%20Bob"})
	if err != nil {
		t.Fatal(err)
	}
	page, err := d.OpenCompose(ctx, sess, id)
	if err != nil {
		t.Fatal(err)
	}
	c := page.Compose
	if c.To != "bob@example.org" || c.Cc != "c@example.org" || c.Subject != "Plans" || c.BodyText != "Hi Bob" {
		t.Fatalf("from mailto: %+v", c)
	}
	rev := c.Revision
	for i, subject := range []string{"Plans v1", "Plans v2"} {
		res, err := d.SaveCompose(ctx, sess, SaveComposeInput{ID: id, Revision: rev, To: c.To, Subject: subject, BodyText: "text", CopyToDrafts: true})
		if err != nil || !res.DraftCopied {
			t.Fatalf("save %d: %+v, %v", i, res, err)
		}
		rev = res.Revision
	}
	drafts := d.mailboxUIDs(t, email, password, "Drafts")
	if len(drafts) != 1 {
		t.Fatalf("Drafts holds %d copies, want 1", len(drafts))
	}
	if !strings.Contains(string(d.fetchRaw(t, email, password, "Drafts", drafts[0])), "Subject: Plans v2") {
		t.Error("the Drafts copy is not the last save")
	}
	again, err := d.ContinueDraft(ctx, sess, OriginalRef{Mailbox: "Drafts", UID: uint32(drafts[0])})
	if err != nil || again != id {
		t.Fatalf("continue the open compose's copy: %q, %v; want %q", again, err, id)
	}
	// A draft saved by another program.
	other := uint32(d.env.AppendRaw(t, email, password, "Drafts", []byte("From: "+email+"\r\nTo: zed@example.org\r\nBcc: hidden@example.org\r\n"+
		"Subject: Elsewhere\r\nX-Priority: 1\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nStarted on the phone.\r\n")))
	cont, err := d.ContinueDraft(ctx, sess, OriginalRef{Mailbox: "Drafts", UID: other})
	if err != nil || cont == id {
		t.Fatalf("continue another draft: %q, %v", cont, err)
	}
	page, err = d.OpenCompose(ctx, sess, cont)
	if err != nil {
		t.Fatal(err)
	}
	c = page.Compose
	if c.To != "zed@example.org" || c.Bcc != "hidden@example.org" || c.Subject != "Elsewhere" || !strings.Contains(c.BodyText, "Started on the phone.") || c.Priority != 1 {
		t.Fatalf("continued draft: %+v", c)
	}
	if _, err := d.SaveCompose(ctx, sess, SaveComposeInput{ID: cont, Revision: c.Revision, To: c.To, Subject: "Elsewhere, done", BodyText: "x", CopyToDrafts: true}); err != nil {
		t.Fatal(err)
	}
	if got := d.mailboxUIDs(t, email, password, "Drafts"); len(got) != 2 {
		t.Errorf("Drafts after continuing: %d messages, want 2 (one per compose)", len(got))
	}
	// Discarding removes the copy too.
	if err := d.DiscardCompose(ctx, sess, cont); err != nil {
		t.Fatal(err)
	}
	if got := d.mailboxUIDs(t, email, password, "Drafts"); len(got) != 1 {
		t.Errorf("Drafts after discarding: %d messages, want 1", len(got))
	}
	_, err = d.OpenCompose(ctx, sess, cont)
	wantCode(t, "open a discarded compose", err, CodeNotFound, "")
}

// TestSuggestContacts: collected recipients come back by prefix, the
// user's own only.
func TestSuggestContacts(t *testing.T) {
	ctx := context.Background()
	d := newComposeApp(t, 0)
	alice, _, _ := d.user(t)
	bob, _, _ := d.user(t)
	user, err := d.userForSession(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.DB.CollectRecipients(ctx, user.ID, []store.Addr{{Name: "Zoë Quinn", Email: "zoe@example.org"}, {Email: "zed@example.org"}}, user.CreatedAt); err != nil {
		t.Fatal(err)
	}
	got, err := d.SuggestContacts(ctx, alice, "zo")
	if err != nil || len(got) != 1 || got[0].Email != "zoe@example.org" || got[0].Name != "Zoë Quinn" {
		t.Fatalf("suggest zo: %+v, %v", got, err)
	}
	if got, _ := d.SuggestContacts(ctx, alice, "ZOË"); len(got) != 1 {
		t.Errorf("suggest by name, other case: %+v", got)
	}
	if got, _ := d.SuggestContacts(ctx, bob, "z"); len(got) != 0 {
		t.Errorf("Bob sees Alice's contacts: %+v", got)
	}
}

// A browser's file name is cut to its last path element and loses what
// could disguise it: a right-to-left override turns "gpj.exe" into what
// reads as "exe.jpg".
func TestUploadFilenameMadeSafe(t *testing.T) {
	ctx := context.Background()
	d := newComposeApp(t, 0)
	sess, _, _ := d.user(t)
	id, err := d.NewCompose(ctx, sess, NewComposeInput{To: "x@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		`C:\fakepath\report.pdf`: "report.pdf",
		"photo\u202egpj.exe":     "photogpj.exe",
		"../../etc/passwd":       "passwd",
		"  ":                     "attachment",
		"a<b>:c.txt":             "a_b__c.txt",
	} {
		up, err := d.AddUpload(ctx, sess, UploadInput{ComposeID: id, Filename: name, Body: strings.NewReader("x")})
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if up.Filename != want {
			t.Errorf("upload named %q is %q, want %q", name, up.Filename, want)
		}
	}
}
