package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/webmail/webmail/store"
)

// outgoing is a message for the outbox from the user's compose, due at due.
func outgoing(userID int64, composeID string, due time.Time) store.OutboxMessage {
	return store.OutboxMessage{
		UserID: userID, ComposeID: composeID, StoreKey: "outbox/" + composeID,
		EnvelopeFrom: "anna@example.test", Recipients: []string{"bob@example.test", "carl@example.test"},
		SealedCredentials: []byte("sealed\x00secret"), SMTPEndpoint: "smtp://mail.example.test:587",
		MessageID: "<" + composeID + "@example.test>", SaveToSent: true, DueAt: due,
	}
}

// t0 is the clock of the outbox tests: claims and cancels take the time
// as an argument, so leases expire without sleeping.
var t0 = time.UnixMilli(1_900_000_000_000)

func TestOutboxLifecycle(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dbs := openInstances(t, b.name, 2)
			a, other := dbs[0], dbs[1]
			ctx := context.Background()
			anna, bob := twoUsers(t, a)
			composeID := store.NewID()

			m, created, err := a.EnqueueOutbox(ctx, outgoing(anna.ID, composeID, t0.Add(10*time.Second)))
			if err != nil || !created {
				t.Fatalf("EnqueueOutbox = %v, %v", created, err)
			}
			if m.State != store.OutboxScheduled || !m.DueAt.Equal(t0.Add(10*time.Second)) || !m.NextAttemptAt.Equal(m.DueAt) ||
				len(m.Recipients) != 2 || string(m.SealedCredentials) != "sealed\x00secret" || !m.SaveToSent {
				t.Fatalf("enqueued %+v", m)
			}
			if _, _, err := a.EnqueueOutbox(ctx, store.OutboxMessage{UserID: anna.ID, ComposeID: store.NewID(), StoreKey: "k"}); !errors.Is(err, store.ErrInvalidOutbox) {
				t.Fatalf("message without recipients: %v, want ErrInvalidOutbox", err)
			}
			if _, err := other.OutboxByID(ctx, m.ID, bob.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob reads anna's message: %v, want ErrNotFound", err)
			}
			if _, err := other.OutboxByCompose(ctx, composeID, bob.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob reads anna's message by compose: %v, want ErrNotFound", err)
			}
			if _, _, err := other.EnqueueOutbox(ctx, outgoing(bob.ID, composeID, t0)); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob enqueues on anna's compose ID: %v, want ErrNotFound", err)
			}
			if ok, err := other.CancelOutbox(ctx, m.ID, bob.ID, t0); !errors.Is(err, store.ErrNotFound) || ok {
				t.Fatalf("bob cancels anna's message: %v, %v; want ErrNotFound", ok, err)
			}
			if l, _ := other.ListOutbox(ctx, bob.ID); len(l) != 0 {
				t.Fatalf("bob's outbox lists %d messages", len(l))
			}

			// Not due yet (the undo window): nothing to claim.
			if got, err := other.ClaimDueOutbox(ctx, "i2", t0.Add(9*time.Second), time.Minute, 10); err != nil || len(got) != 0 {
				t.Fatalf("claim before due: %d, %v", len(got), err)
			}
			now := t0.Add(10 * time.Second)
			got, err := other.ClaimDueOutbox(ctx, "i2", now, time.Minute, 10)
			if err != nil || len(got) != 1 || got[0].State != store.OutboxSending || got[0].LeaseOwner != "i2" ||
				got[0].Attempts != 1 || !got[0].LeaseUntil.Equal(now.Add(time.Minute)) {
				t.Fatalf("claim when due = %+v, %v", got, err)
			}
			if ok, err := a.CancelOutbox(ctx, m.ID, anna.ID, now); ok || err != nil {
				t.Fatalf("cancel while sending: %v, %v; want false", ok, err)
			}
			if err := a.MarkOutboxRetry(ctx, m.ID, "i1", now, "x"); !errors.Is(err, store.ErrOutboxLeaseLost) {
				t.Fatalf("retry by a non-owner: %v, want ErrOutboxLeaseLost", err)
			}
			if err := other.ExtendOutboxLease(ctx, m.ID, "i2", now.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if err := other.ExtendOutboxLease(ctx, m.ID, "i2", now.Add(2*time.Minute)); err != nil {
				t.Fatalf("extending to the same end: %v", err)
			}

			// A temporary failure: queued for later with the answer.
			if err := other.MarkOutboxRetry(ctx, m.ID, "i2", now.Add(time.Minute), "421 try again later"); err != nil {
				t.Fatal(err)
			}
			list, err := a.ListOutbox(ctx, anna.ID)
			if err != nil || len(list) != 1 || list[0].State != store.OutboxQueued || list[0].LastError != "421 try again later" || list[0].LeaseOwner != "" {
				t.Fatalf("ListOutbox after a retry = %+v, %v", list, err)
			}
			if got, _ := a.ClaimDueOutbox(ctx, "i1", now.Add(59*time.Second), time.Minute, 10); len(got) != 0 {
				t.Fatalf("claimed before the next attempt time: %+v", got)
			}
			now = now.Add(time.Minute)
			if got, _ := a.ClaimDueOutbox(ctx, "i1", now, time.Minute, 10); len(got) != 1 || got[0].Attempts != 2 {
				t.Fatalf("second claim = %+v; want attempt 2", got)
			}
			if err := other.MarkOutboxSent(ctx, m.ID, "i2", now); !errors.Is(err, store.ErrOutboxLeaseLost) {
				t.Fatalf("sent reported by the old owner: %v, want ErrOutboxLeaseLost", err)
			}
			if err := a.MarkOutboxSent(ctx, m.ID, "i1", now); err != nil {
				t.Fatal(err)
			}
			sent, err := other.OutboxByCompose(ctx, composeID, anna.ID)
			if err != nil || sent.State != store.OutboxSent || !sent.SentAt.Equal(now) || sent.LastError != "" || len(sent.SealedCredentials) == 0 {
				t.Fatalf("after sent: %+v, %v; want sent, credentials kept for the Sent copy", sent, err)
			}
			if err := a.ForgetOutboxCredentials(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
			if sent, _ := a.OutboxByID(ctx, m.ID, anna.ID); len(sent.SealedCredentials) != 0 {
				t.Fatalf("credentials kept after ForgetOutboxCredentials")
			}
			// A replayed send of the sent compose changes nothing.
			again, created, err := a.EnqueueOutbox(ctx, outgoing(anna.ID, composeID, now))
			if err != nil || created || again.ID != m.ID || again.State != store.OutboxSent {
				t.Fatalf("replayed enqueue = %+v, %v, %v; want the sent message, not created", again, created, err)
			}
			if list, _ := a.ListOutbox(ctx, anna.ID); len(list) != 0 {
				t.Fatalf("sent message still listed: %+v", list)
			}

			// A permanent failure reaches the user once.
			failing, _, err := a.EnqueueOutbox(ctx, outgoing(anna.ID, store.NewID(), now))
			if err != nil {
				t.Fatal(err)
			}
			if _, ok, err := a.ClaimOutbox(ctx, failing.ID, "i1", now, time.Minute); !ok || err != nil {
				t.Fatalf("ClaimOutbox = %v, %v", ok, err)
			}
			if _, ok, _ := other.ClaimOutbox(ctx, failing.ID, "i2", now, time.Minute); ok {
				t.Fatal("a leased message was claimed again")
			}
			if err := a.MarkOutboxFailed(ctx, failing.ID, "i1", "550 5.1.1 <nobody@example.test>: user unknown"); err != nil {
				t.Fatal(err)
			}
			notices, err := other.OutboxNotices(ctx, anna.ID)
			if err != nil || len(notices) != 1 || notices[0].ID != failing.ID || notices[0].LastError != "550 5.1.1 <nobody@example.test>: user unknown" {
				t.Fatalf("OutboxNotices = %+v, %v", notices, err)
			}
			if n, _ := other.OutboxNotices(ctx, bob.ID); len(n) != 0 {
				t.Fatalf("bob sees anna's notices: %+v", n)
			}
			if err := other.AcknowledgeOutboxNotice(ctx, failing.ID, bob.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob acknowledges anna's notice: %v, want ErrNotFound", err)
			}
			for range 2 {
				if err := other.AcknowledgeOutboxNotice(ctx, failing.ID, anna.ID); err != nil {
					t.Fatal(err)
				}
			}
			if n, _ := other.OutboxNotices(ctx, anna.ID); len(n) != 0 {
				t.Fatalf("acknowledged notice still listed: %+v", n)
			}

			// Undo send, then send again: the cancelled message is reused.
			undone := store.NewID()
			u, _, err := a.EnqueueOutbox(ctx, outgoing(anna.ID, undone, now.Add(10*time.Second)))
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := a.CancelOutbox(ctx, u.ID, anna.ID, now); !ok || err != nil {
				t.Fatalf("cancel in the undo window: %v, %v", ok, err)
			}
			if c, _ := a.OutboxByID(ctx, u.ID, anna.ID); c.State != store.OutboxCancelled || len(c.SealedCredentials) != 0 {
				t.Fatalf("cancelled: %+v; want cancelled, credentials forgotten", c)
			}
			if got, _ := a.ClaimDueOutbox(ctx, "i1", now.Add(time.Hour), time.Minute, 10); len(got) != 0 {
				t.Fatalf("a cancelled message was claimed: %+v", got)
			}
			resent := outgoing(anna.ID, undone, now.Add(20*time.Second))
			resent.Recipients = []string{"dora@example.test"}
			r, created, err := a.EnqueueOutbox(ctx, resent)
			if err != nil || !created || r.ID != u.ID || r.State != store.OutboxScheduled || r.Recipients[0] != "dora@example.test" || r.Attempts != 0 {
				t.Fatalf("send after undo = %+v, %v, %v; want the row scheduled again with the new recipients", r, created, err)
			}

			// Cleanup of final messages, not of ones on their way.
			fin, err := a.FinishedOutbox(ctx, now.Add(time.Hour), 10)
			if err != nil || len(fin) != 2 {
				t.Fatalf("FinishedOutbox = %d, %v; want the sent and the acknowledged failed one", len(fin), err)
			}
			for _, f := range fin {
				if err := a.DeleteOutbox(ctx, f.ID); err != nil {
					t.Fatal(err)
				}
			}
			if err := a.DeleteOutbox(ctx, r.ID); err != nil {
				t.Fatal(err)
			}
			if list, _ := a.ListOutbox(ctx, anna.ID); len(list) != 1 || list[0].ID != r.ID {
				t.Fatalf("after cleanup: %+v; want the scheduled message kept", list)
			}
		})
	}
}

// TestOutboxEnqueueIsIdempotent: many requests enqueueing the same compose
// at once, on several instances, make one message; all of them get it.
func TestOutboxEnqueueIsIdempotent(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dbs := openInstances(t, b.name, 3)
			ctx := context.Background()
			anna, _ := twoUsers(t, dbs[0])
			composeID := store.NewID()
			const n = 16
			var wg sync.WaitGroup
			ids := make([]int64, n)
			created := make([]bool, n)
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var m store.OutboxMessage
					m, created[i], errs[i] = dbs[i%len(dbs)].EnqueueOutbox(ctx, outgoing(anna.ID, composeID, t0))
					ids[i] = m.ID
				}()
			}
			wg.Wait()
			wins := 0
			for i := range n {
				if errs[i] != nil {
					t.Fatalf("enqueue %d: %v", i, errs[i])
				}
				if ids[i] != ids[0] {
					t.Fatalf("enqueue %d got message %d, enqueue 0 got %d", i, ids[i], ids[0])
				}
				if created[i] {
					wins++
				}
			}
			if wins != 1 {
				t.Fatalf("%d enqueues report creating the message, want 1", wins)
			}
			var rows int
			if err := dbs[0].Write().QueryRow(`SELECT COUNT(*) FROM outbox`).Scan(&rows); err != nil || rows != 1 {
				t.Fatalf("outbox rows = %d, %v; want 1", rows, err)
			}
		})
	}
}

// TestOutboxClaimsAreExclusive: three instances claiming due messages at
// once, each in a loop; every message is claimed exactly once.
func TestOutboxClaimsAreExclusive(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dbs := openInstances(t, b.name, 3)
			ctx := context.Background()
			anna, _ := twoUsers(t, dbs[0])
			const messages = 40
			for i := range messages {
				if _, _, err := dbs[0].EnqueueOutbox(ctx, outgoing(anna.ID, store.NewID(), t0.Add(time.Duration(i)*time.Millisecond))); err != nil {
					t.Fatal(err)
				}
			}
			now := t0.Add(time.Second)
			var mu sync.Mutex
			claimedBy := map[int64][]string{}
			var wg sync.WaitGroup
			for i, db := range dbs {
				for w := range 2 {
					owner := fmt.Sprintf("instance%d-worker%d", i, w)
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							got, err := db.ClaimDueOutbox(ctx, owner, now, time.Minute, 3)
							if err != nil {
								t.Error(err)
								return
							}
							if len(got) == 0 {
								return
							}
							mu.Lock()
							for _, m := range got {
								claimedBy[m.ID] = append(claimedBy[m.ID], owner)
							}
							mu.Unlock()
						}
					}()
				}
			}
			wg.Wait()
			if len(claimedBy) != messages {
				t.Fatalf("%d messages claimed, want %d", len(claimedBy), messages)
			}
			owners := map[string]int{}
			for id, by := range claimedBy {
				if len(by) != 1 {
					t.Errorf("message %d claimed by %v", id, by)
				}
				owners[by[0]]++
			}
			t.Logf("claims per worker: %v", owners)
		})
	}
}

// TestOutboxLeaseExpiryHandsOver: an instance that dies mid-send leaves its
// lease; once it runs out another instance takes the message over, and the
// first one, should it wake up, can no longer report on it.
func TestOutboxLeaseExpiryHandsOver(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dbs := openInstances(t, b.name, 2)
			a, other := dbs[0], dbs[1]
			ctx := context.Background()
			anna, _ := twoUsers(t, a)
			m, _, err := a.EnqueueOutbox(ctx, outgoing(anna.ID, store.NewID(), t0))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := a.ClaimDueOutbox(ctx, "dying", t0, time.Minute, 10); err != nil || len(got) != 1 {
				t.Fatalf("first claim = %d, %v", len(got), err)
			}
			if got, _ := other.ClaimDueOutbox(ctx, "heir", t0.Add(time.Minute-time.Millisecond), time.Minute, 10); len(got) != 0 {
				t.Fatalf("claimed while the lease held: %+v", got)
			}
			if ok, _ := a.CancelOutbox(ctx, m.ID, anna.ID, t0.Add(2*time.Minute)); ok {
				t.Fatal("a message whose sender died mid-send was cancelled: it may have gone out")
			}
			later := t0.Add(time.Minute + time.Millisecond)
			got, err := other.ClaimDueOutbox(ctx, "heir", later, time.Minute, 10)
			if err != nil || len(got) != 1 || got[0].LeaseOwner != "heir" || got[0].Attempts != 2 {
				t.Fatalf("claim after the lease ran out = %+v, %v; want the heir, attempt 2", got, err)
			}
			if err := a.MarkOutboxSent(ctx, m.ID, "dying", later); !errors.Is(err, store.ErrOutboxLeaseLost) {
				t.Fatalf("the old owner reports sent: %v, want ErrOutboxLeaseLost", err)
			}
			if err := a.MarkOutboxFailed(ctx, m.ID, "dying", "x"); !errors.Is(err, store.ErrOutboxLeaseLost) {
				t.Fatalf("the old owner reports failed: %v, want ErrOutboxLeaseLost", err)
			}
			if err := other.MarkOutboxSent(ctx, m.ID, "heir", later); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestOutboxCancelRacesClaim: a user's cancel and instances' claims at the
// same moment, many times over: exactly one side wins each message.
func TestOutboxCancelRacesClaim(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dbs := openInstances(t, b.name, 3)
			ctx := context.Background()
			anna, _ := twoUsers(t, dbs[0])
			const rounds = 25
			cancels, claims := 0, 0
			for round := range rounds {
				m, _, err := dbs[0].EnqueueOutbox(ctx, outgoing(anna.ID, store.NewID(), t0))
				if err != nil {
					t.Fatal(err)
				}
				var wg sync.WaitGroup
				var cancelled bool
				claimed := make([]bool, 2)
				errs := make([]error, 3)
				start := make(chan struct{})
				wg.Add(3)
				go func() {
					defer wg.Done()
					<-start
					cancelled, errs[0] = dbs[0].CancelOutbox(ctx, m.ID, anna.ID, t0)
				}()
				for i := range 2 {
					go func() {
						defer wg.Done()
						<-start
						_, claimed[i], errs[i+1] = dbs[i+1].ClaimOutbox(ctx, m.ID, fmt.Sprintf("i%d", i+1), t0, time.Minute)
					}()
				}
				close(start)
				wg.Wait()
				for _, err := range errs {
					if err != nil {
						t.Fatalf("round %d: %v", round, err)
					}
				}
				winners := 0
				for _, won := range []bool{cancelled, claimed[0], claimed[1]} {
					if won {
						winners++
					}
				}
				if winners != 1 {
					t.Fatalf("round %d: cancel %v, claims %v; want exactly one winner", round, cancelled, claimed)
				}
				final, err := dbs[0].OutboxByID(ctx, m.ID, anna.ID)
				if err != nil {
					t.Fatal(err)
				}
				if cancelled {
					cancels++
					if final.State != store.OutboxCancelled {
						t.Fatalf("round %d: cancel won but state %s", round, final.State)
					}
				} else {
					claims++
					if final.State != store.OutboxSending {
						t.Fatalf("round %d: a claim won but state %s", round, final.State)
					}
				}
			}
			t.Logf("%d rounds: cancel won %d, a claim won %d", rounds, cancels, claims)
		})
	}
}
