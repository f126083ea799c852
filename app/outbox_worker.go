package app

import (
	"context"
	"sync"
	"time"

	"github.com/webmail/webmail/store"
)

// The outbox worker's pace. Every instance runs one: a claim is one cheap
// query a second, and each message is leased to one instance at a time,
// so adding instances never sends a message twice and losing one hands
// its messages on when their leases run out.
const (
	outboxPoll        = time.Second
	outboxLease       = time.Minute // renewed every third of it while a send runs
	outboxConcurrency = 4           // messages one instance sends at once
	// outboxStopGrace is how long sends under way may go on after the
	// worker is told to stop (drain): most finish; one cut short goes
	// back to the queue, for another instance at once.
	outboxStopGrace = 20 * time.Second
	// sendNowTimeout bounds the try a send request makes itself (delay
	// 0): past it, the page says "queued" and the worker carries on.
	sendNowTimeout = 60 * time.Second
)

// maxLeaseOwner is the outbox's column size for the lease owner.
const maxLeaseOwner = 64

// leaseOwner is this process in outbox leases.
func (a *App) leaseOwner() string {
	if len(a.Instance) > maxLeaseOwner {
		return a.Instance[len(a.Instance)-maxLeaseOwner:]
	}
	return a.Instance
}

// RunOutbox sends the outbox's due messages until ctx ends, then lets the
// sends under way finish (for up to outboxStopGrace) and returns.
// cmd/webmail runs it on every instance and stops it when the instance
// drains.
func (a *App) RunOutbox(ctx context.Context) {
	sendCtx, cancelSends := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSends()
	stopAfterGrace := context.AfterFunc(ctx, func() {
		timer := time.NewTimer(outboxStopGrace)
		defer timer.Stop()
		select {
		case <-timer.C:
			cancelSends()
		case <-sendCtx.Done():
		}
	})
	defer stopAfterGrace()
	slots := make(chan struct{}, outboxConcurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	ticker := time.NewTicker(outboxPoll)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		free := cap(slots) - len(slots)
		if free == 0 {
			continue
		}
		msgs, err := a.DB.ClaimDueOutbox(ctx, a.leaseOwner(), time.Now(), outboxLease, free)
		if err != nil && ctx.Err() == nil {
			a.Logger.WarnContext(ctx, "outbox: claiming due messages failed", "err", err)
		}
		for _, m := range msgs {
			slots <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				a.deliver(sendCtx, m)
			}()
		}
	}
}

// sendNow tries a message the request just enqueued without delay, so
// the page can say "sent": it claims the message like the worker would
// (a worker that claimed it first sends it instead).
func (a *App) sendNow(ctx context.Context, m store.OutboxMessage) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendNowTimeout)
	defer cancel()
	claimed, ok, err := a.DB.ClaimOutbox(ctx, m.ID, a.leaseOwner(), time.Now(), outboxLease)
	if err != nil {
		a.Logger.WarnContext(ctx, "outbox: claiming a message to send now failed; the worker sends it", "outbox", m.ID, "err", err)
		return
	}
	if ok {
		a.deliver(ctx, claimed)
	}
}

// keepLease renews the lease on message id while a send runs, until the
// returned stop is called.
func (a *App) keepLease(ctx context.Context, id int64) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(outboxLease / 3)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
			if err := a.DB.ExtendOutboxLease(ctx, id, a.leaseOwner(), time.Now().Add(outboxLease)); err != nil && ctx.Err() == nil {
				a.Logger.WarnContext(ctx, "outbox: renewing a lease failed", "outbox", id, "err", err)
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
