package app

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/store"
)

// TestSendTwiceAtOnceSendsOnce presses Send eight times at once (a
// double click, a proxy replaying the POST): one message is delivered,
// and every request reports the same outgoing message.
func TestSendTwiceAtOnceSendsOnce(t *testing.T) {
	s := newSendApp(t, nil, "")
	ctx := context.Background()
	sess, u, _, _ := s.user(t, 0)
	rcpt, rcptPassword := s.env.AddUser(t)
	c := s.compose(t, u, store.Compose{To: rcpt, Subject: "once", BodyText: "only once"})
	fields := &SendFields{To: rcpt, Subject: "once", BodyText: "only once"}

	var wg sync.WaitGroup
	results := make([]SendResult, 8)
	errs := make([]error, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID, Fields: fields})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		if results[i].OutboxID != 0 && results[i].OutboxID != results[0].OutboxID && results[0].OutboxID != 0 {
			t.Fatalf("send %d reports outbox %d, send 0 %d", i, results[i].OutboxID, results[0].OutboxID)
		}
	}
	s.runWorker(t) // in case the winner's own try lost to nothing: it is due now
	s.waitState(t, sess, c.ID, SendSent)
	// A replay after the fact changes nothing either.
	again, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID, Fields: fields})
	if err != nil && AsError(err).Code != CodeNotFound {
		t.Fatalf("replay after sending: %v", err)
	}
	if err == nil && again.State != SendSent {
		t.Fatalf("replay after sending: state %q", again.State)
	}
	s.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	time.Sleep(500 * time.Millisecond) // a second delivery would be in by now (11–150 ms)
	if n := s.countMessages(t, rcpt, rcptPassword, "INBOX"); n != 1 {
		t.Fatalf("recipient INBOX holds %d messages, want exactly 1", n)
	}
}

// TestSendQueuedWhileSMTPDown stops the user's Postfix, sends: the page
// says queued with the reason; Postfix starts again and the worker
// delivers the message exactly once.
func TestSendQueuedWhileSMTPDown(t *testing.T) {
	postfix := testenv.NewMail(t).NewPostfix(t)
	s := newSendApp(t, nil, postfix.SubmissionAddr)
	ctx := context.Background()
	sess, u, email, password := s.user(t, 0)
	rcpt, rcptPassword := s.env.AddUser(t)
	c := s.compose(t, u, store.Compose{To: rcpt, Subject: "queued", BodyText: "while the server was down"})

	postfix.Stop(t)
	res, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.State != SendQueued || !strings.Contains(res.ServerAnswer, "could not be reached") {
		t.Fatalf("with Postfix stopped: state %q, answer %q; want queued, not reachable", res.State, res.ServerAnswer)
	}
	s.runWorker(t)
	// Retries fail while it is down (200 ms doubling in this test).
	deadline := time.Now().Add(20 * time.Second)
	for {
		m, err := s.DB.OutboxByCompose(ctx, c.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Attempts >= 3 {
			if m.State == store.OutboxSent {
				t.Fatal("sent while the server was down")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d attempts while the server was down", m.Attempts)
		}
		time.Sleep(50 * time.Millisecond)
	}
	postfix.Start(t)
	s.waitState(t, sess, c.ID, SendSent)
	s.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	time.Sleep(500 * time.Millisecond)
	if n := s.countMessages(t, rcpt, rcptPassword, "INBOX"); n != 1 {
		t.Fatalf("recipient INBOX holds %d messages, want exactly 1", n)
	}
	if n := s.countMessages(t, email, password, "Sent"); n != 1 {
		t.Fatalf("Sent holds %d messages, want 1", n)
	}
}

// TestSendRefusedReachesTheUser sends to an address the server refuses
// for good: the message is failed with the server's answer, a notice is
// pending, the user's INBOX gets a message quoting the answer with the
// message attached, and the compose is open again to be corrected.
func TestSendRefusedReachesTheUser(t *testing.T) {
	s := newSendApp(t, nil, "")
	ctx := context.Background()
	sess, u, email, password := s.user(t, 0)
	nobody := "nobody-here@" + s.env.Domain
	c := s.compose(t, u, store.Compose{To: nobody, Subject: "to nobody", BodyText: "bounce me"})

	res, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.State != SendFailed || !strings.Contains(res.ServerAnswer, nobody) || !strings.Contains(res.ServerAnswer, "It said:") {
		t.Fatalf("state %q, answer %q; want failed naming %s with the server's words", res.State, res.ServerAnswer, nobody)
	}
	notices := s.SendNotices(ctx, sess)
	if len(notices) != 1 || notices[0].ComposeID != c.ID || notices[0].Subject != "to nobody" || notices[0].ServerAnswer != res.ServerAnswer {
		t.Fatalf("notices = %+v", notices)
	}
	raws, _ := mailboxMessages(t, s.env.IMAPClient(t, email, password), "INBOX")
	if len(raws) != 1 {
		t.Fatalf("INBOX holds %d messages, want the refusal notice", len(raws))
	}
	notice := string(raws[0])
	if !strings.Contains(notice, "Subject: Not sent: to nobody") || !strings.Contains(notice, "message/rfc822") ||
		!strings.Contains(textOf(t, raws[0]), res.ServerAnswer) || !strings.Contains(notice, "bounce me") {
		t.Fatalf("refusal message lacks the subject, the answer or the original:\n%s", notice)
	}
	back, err := s.DB.Compose(ctx, c.ID, u.ID)
	if err != nil || back.State != store.ComposeOpen {
		t.Fatalf("compose after refusal: %+v, %v; want open", back, err)
	}
	if err := s.DismissSendNotice(ctx, sess, res.OutboxID); err != nil {
		t.Fatal(err)
	}
	if n := s.SendNotices(ctx, sess); len(n) != 0 {
		t.Fatalf("notices after dismissing: %+v", n)
	}

	// Corrected and sent again: the failed message makes way.
	rcpt, rcptPassword := s.env.AddUser(t)
	res, err = s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID, Fields: &SendFields{To: rcpt, Subject: "to somebody", BodyText: "fixed"}})
	if err != nil || res.State != SendSent {
		t.Fatalf("sending again: %+v, %v", res, err)
	}
	s.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
}

// TestUndoSend sends with the undo window, undoes it (the compose is
// open again, nothing is sent), sends again, and lets it go.
func TestUndoSend(t *testing.T) {
	s := newSendApp(t, nil, "")
	ctx := context.Background()
	sess, u, _, _ := s.user(t, 30)
	rcpt, rcptPassword := s.env.AddUser(t)
	c := s.compose(t, u, store.Compose{To: rcpt, Subject: "undo me", BodyText: "wait"})

	res, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.State != SendScheduled || res.SendLater || time.Until(res.DueAt) < 20*time.Second {
		t.Fatalf("state %q due %v (later %v); want scheduled in ~30 s", res.State, res.DueAt, res.SendLater)
	}
	if err := s.UndoSend(ctx, sess, c.ID); err != nil {
		t.Fatal(err)
	}
	back, err := s.DB.Compose(ctx, c.ID, u.ID)
	if err != nil || back.State != store.ComposeOpen {
		t.Fatalf("compose after undo: %v, %v", back.State, err)
	}
	if _, err := s.Attachments.Stat(ctx, res.OutboxKey(t, s)); !errors.Is(err, attachments.ErrNotFound) {
		t.Errorf("stored message after undo: %v, want deleted", err)
	}
	// Send later instead: scheduled for the chosen time, then undone from
	// the outbox page.
	later := time.Now().Add(2 * time.Hour)
	res, err = s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID, SendAt: later})
	if err != nil || res.State != SendScheduled || !res.SendLater || !res.DueAt.Equal(later.Truncate(time.Millisecond)) {
		t.Fatalf("send later: %+v, %v", res, err)
	}
	list, err := s.ListOutgoing(ctx, sess)
	if err != nil || len(list) != 1 || list[0].Subject != "undo me" || list[0].State != SendScheduled {
		t.Fatalf("outbox = %+v, %v", list, err)
	}
	composeID, err := s.CancelOutgoing(ctx, sess, list[0].OutboxID)
	if err != nil || composeID != c.ID {
		t.Fatalf("cancel from the outbox: %q, %v", composeID, err)
	}
	// Now without a window: sent.
	if err := s.DB.SetPref(ctx, u.ID, store.PrefUndoSendDelay, "1"); err != nil {
		t.Fatal(err)
	}
	s.runWorker(t)
	if _, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID}); err != nil {
		t.Fatal(err)
	}
	s.waitState(t, sess, c.ID, SendSent)
	if err := s.UndoSend(ctx, sess, c.ID); AsError(err) == nil || AsError(err).Code != CodeConflict {
		t.Fatalf("undo after sending: %v, want a conflict", err)
	}
	s.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	time.Sleep(300 * time.Millisecond)
	if n := s.countMessages(t, rcpt, rcptPassword, "INBOX"); n != 1 {
		t.Fatalf("recipient INBOX holds %d messages, want 1", n)
	}
}

// OutboxKey is the stored message of the result's outgoing message.
func (r SendResult) OutboxKey(t *testing.T, s *sendApp) string {
	t.Helper()
	var key string
	row, err := s.DB.OutboxByID(context.Background(), r.OutboxID, mustUserID(t, s, r))
	if err != nil {
		t.Fatal(err)
	}
	key = row.StoreKey
	return key
}

func mustUserID(t *testing.T, s *sendApp, r SendResult) int64 {
	t.Helper()
	var id int64
	err := s.DB.Write().QueryRowContext(context.Background(), `SELECT user_id FROM outbox WHERE id = ?`, r.OutboxID).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestCrashAfterSubmitIsNotSentAgain: an instance claimed a message and
// died. If a copy with its Message-ID is in Sent (the server took it),
// the next claimer marks it sent without sending; if not, it sends it.
func TestCrashAfterSubmitIsNotSentAgain(t *testing.T) {
	s := newSendApp(t, nil, "")
	ctx := context.Background()
	sess, u, email, password := s.user(t, 0)
	rcpt, rcptPassword := s.env.AddUser(t)

	for _, inSent := range []bool{true, false} {
		c := s.compose(t, u, store.Compose{To: rcpt, Subject: "crash", BodyText: "crash"})
		res, err := s.SendCompose(ctx, sess, SendInput{ComposeID: c.ID, SendAt: time.Now().Add(300 * time.Millisecond)})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(400 * time.Millisecond)
		// The dead instance: it claimed the message, its lease ran out.
		m, ok, err := s.DB.ClaimOutbox(ctx, res.OutboxID, "dead-instance", time.Now(), time.Millisecond)
		if err != nil || !ok {
			t.Fatalf("claim as the dead instance: %v, %v", ok, err)
		}
		if inSent {
			raw, _, err := s.Attachments.Get(ctx, m.StoreKey)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			buf.ReadFrom(raw)
			raw.Close()
			s.env.AppendRaw(t, email, password, "Sent", buf.Bytes())
		}
		time.Sleep(5 * time.Millisecond)
		w := s.runWorkerOnce(t)
		s.waitState(t, sess, c.ID, SendSent)
		w()
	}
	s.env.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	time.Sleep(500 * time.Millisecond)
	if n := s.countMessages(t, rcpt, rcptPassword, "INBOX"); n != 1 {
		t.Fatalf("recipient INBOX holds %d messages, want 1 (the one not found in Sent)", n)
	}
	if n := s.countMessages(t, email, password, "Sent"); n != 2 {
		t.Fatalf("Sent holds %d messages, want 2 (one copy each, none twice)", n)
	}
}

// runWorkerOnce runs the worker until the returned func stops it.
func (s *sendApp) runWorkerOnce(t *testing.T) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.RunOutbox(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// TestCleanUpCompose deletes composes past the TTL with their uploads and
// stored bytes, and leaves younger ones.
func TestCleanUpCompose(t *testing.T) {
	s := newSendApp(t, nil, "")
	ctx := context.Background()
	sess, u, _, _ := s.user(t, 30)
	rcpt, _ := s.env.AddUser(t)
	old := s.compose(t, u, store.Compose{To: rcpt, Subject: "forgotten"})
	up := s.upload(t, u, old, "a.txt", "text/plain", []byte("abc"))
	undone := s.compose(t, u, store.Compose{To: rcpt, Subject: "undone"})
	res, err := s.SendCompose(ctx, sess, SendInput{ComposeID: undone.ID})
	if err != nil {
		t.Fatal(err)
	}
	key := res.OutboxKey(t, s)
	if err := s.UndoSend(ctx, sess, undone.ID); err != nil {
		t.Fatal(err)
	}

	s.ComposeTTL = time.Hour
	if err := s.CleanUpCompose(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Compose(ctx, old.ID, u.ID); err != nil {
		t.Fatalf("a fresh compose was cleaned up: %v", err)
	}
	s.ComposeTTL = time.Millisecond
	time.Sleep(5 * time.Millisecond)
	if err := s.CleanUpCompose(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Compose(ctx, old.ID, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("compose past the TTL: %v, want deleted", err)
	}
	if _, err := s.DB.Upload(ctx, up.ID, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("its upload: %v, want deleted", err)
	}
	for _, k := range []string{up.StoreKey, key} {
		if _, err := s.Attachments.Stat(ctx, k); !errors.Is(err, attachments.ErrNotFound) {
			t.Errorf("stored object %s: %v, want deleted", k, err)
		}
	}
}
