package app

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/store"
)

// s3On opens an S3 store on a fresh bucket of server.
func s3On(t *testing.T, server *testenv.MinIO) attachments.Store {
	t.Helper()
	att, err := attachments.Open(t.Context(), "s3", attachments.Config{Settings: map[string]string{
		"endpoint": server.Endpoint, "bucket": server.NewBucket(t), "access_key": server.AccessKey,
		"secret_key": server.SecretKey, "region": server.Region, "secure": "false",
	}})
	if err != nil {
		t.Fatal(err)
	}
	return att
}

// TestSendWithRedundantStoreOneSideDown runs the outbox over the
// redundant attachment store (two MinIO servers) with one side stopped:
//   - stopped while a message waits in the outbox: the worker reads the
//     stored message and the attachment from the other side, and it is
//     delivered once, intact;
//   - stopped before Send: the message cannot be stored on both sides
//     (redundant writes need every member), so the send is refused with
//     CodeUnavailable, nothing is sent and the compose stays open with its
//     attachment; with the side back, the same Send delivers it once.
func TestSendWithRedundantStoreOneSideDown(t *testing.T) {
	side := testenv.NewPrivateMinIO(t)
	redundant, err := attachments.NewRedundant([]attachments.Store{s3On(t, testenv.NewMinIO(t)), s3On(t, side.MinIO)}, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	s := newSendApp(t, redundant, "")
	ctx := context.Background()
	sess, u, _, _ := s.user(t, 0)
	rcpt, rcptPassword := s.env.AddUser(t)
	data := make([]byte, 2<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}

	// Stopped while the message waits.
	c := s.compose(t, u, store.Compose{To: rcpt, Subject: "while waiting", BodyText: "x"})
	s.upload(t, u, c, "a.bin", "application/octet-stream", data)
	if _, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID, SendAt: time.Now().Add(300 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	side.Stop(t)
	s.runWorker(t)
	s.waitState(t, sess, c.ID, SendSent)
	s.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	raws, _ := mailboxMessages(t, s.env.IMAPClient(t, rcpt, rcptPassword), "INBOX")
	if name, sum := attachmentOf(t, raws[0]); name != "a.bin" || sum != sha256.Sum256(data) {
		t.Fatalf("attachment %q arrived changed", name)
	}

	// Stopped before Send.
	side.Start(t)
	c = s.compose(t, u, store.Compose{To: rcpt, Subject: "before sending", BodyText: "y"})
	up := s.upload(t, u, c, "b.bin", "application/octet-stream", data)
	side.Stop(t)
	_, err = s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID})
	if e := AsError(err); e == nil || e.Code != CodeUnavailable {
		t.Fatalf("send with one side down: %v, want CodeUnavailable", err)
	}
	back, err := s.DB.Compose(ctx, c.ID, u.ID)
	if err != nil || back.State != store.ComposeOpen {
		t.Fatalf("compose after the refused send: %v, %v; want open", back.State, err)
	}
	if _, err := s.Attachments.Stat(ctx, up.StoreKey); err != nil {
		t.Fatalf("the upload is not readable from the side still up: %v", err)
	}
	side.Start(t)
	res, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID})
	if err != nil || res.State != SendSent {
		t.Fatalf("send with both sides up again: %+v, %v", res, err)
	}
	s.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 2)
	time.Sleep(500 * time.Millisecond)
	if n := s.countMessages(t, rcpt, rcptPassword, "INBOX"); n != 2 {
		t.Fatalf("recipient INBOX holds %d, want 2 (each message once)", n)
	}
}
