package webmailcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/store"
)

// objectBytes is the content every object of the backup tests has under
// key, so that a restored object can be checked without remembering it.
func objectBytes(key string) []byte {
	return bytes.Repeat([]byte(key+"\n"), 300)
}

// backupPhase tells the writers where the backup is: an operation that
// finished before began must be in the backup, one that started after
// ended must not be.
type backupPhase struct {
	began, ended atomic.Bool
}

// writtenCompose is a compose a writer made, with its upload and maybe an
// outgoing message, and when each step happened relative to the backup.
type writtenCompose struct {
	userID              int64
	id, subject         string
	uploadID, uploadKey string
	outboxKey           string // "" when no message was queued
	createdBefore       bool   // compose, upload and message all finished before the backup began
	startedAfter        bool   // the compose was started after the backup ended
	deletedBefore       bool   // the upload's row was deleted before the backup began
	deleteStarted       bool   // the upload's deletion started (its row may be gone)
}

// writtenIdentity is an identity a writer made.
type writtenIdentity struct {
	userID        int64
	id            int64
	name          string
	createdBefore bool
}

// backupLoad is what the writers did, for the checks after the restore.
type backupLoad struct {
	mu         sync.Mutex
	composes   []*writtenCompose
	identities []writtenIdentity
	// prefBefore is, per "user/pref", the last value whose write finished
	// before the backup began.
	prefBefore map[string]int
	ops        atomic.Int64
	errs       []error
}

// runWriters runs writers goroutines against db and objects until stop is
// closed: each makes composes with an upload, queues a message for every
// second one, deletes every fourth upload again (row first, then object,
// as the application does), sets a setting and now and then adds an
// identity. It returns once they all stopped.
func runWriters(ctx context.Context, db *store.DB, objects attachments.Store, users []store.User, writers int, phase *backupPhase, stop <-chan struct{}) *backupLoad {
	load := &backupLoad{prefBefore: map[string]int{}}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := users[w%len(users)]
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := load.writeOnce(ctx, db, objects, user, w, i, phase); err != nil {
					load.mu.Lock()
					load.errs = append(load.errs, err)
					load.mu.Unlock()
					return
				}
				load.ops.Add(1)
			}
		}()
	}
	wg.Wait()
	return load
}

// writeOnce is one writer's iteration i.
func (load *backupLoad) writeOnce(ctx context.Context, db *store.DB, objects attachments.Store, user store.User, w, i int, phase *backupPhase) error {
	c := &writtenCompose{userID: user.ID, subject: fmt.Sprintf("writer %d compose %d", w, i), startedAfter: phase.ended.Load()}
	created, err := db.CreateCompose(ctx, store.Compose{UserID: user.ID, Subject: c.subject, BodyText: "body of " + c.subject})
	if err != nil {
		return err
	}
	c.id = created.ID
	c.uploadID = store.NewID()
	c.uploadKey = "uploads/" + c.uploadID
	body := objectBytes(c.uploadKey)
	if err := objects.Put(ctx, c.uploadKey, bytes.NewReader(body), int64(len(body)), "text/plain"); err != nil {
		return err
	}
	if _, err := db.CreateUpload(ctx, store.Upload{ID: c.uploadID, UserID: user.ID, ComposeID: c.id, StoreKey: c.uploadKey,
		Filename: "notes.txt", ContentType: "text/plain", Size: int64(len(body))}); err != nil {
		return err
	}
	if i%2 == 0 {
		c.outboxKey = "outbox/" + c.id
		raw := objectBytes(c.outboxKey)
		if err := objects.Put(ctx, c.outboxKey, bytes.NewReader(raw), int64(len(raw)), "message/rfc822"); err != nil {
			return err
		}
		if _, _, err := db.EnqueueOutbox(ctx, store.OutboxMessage{UserID: user.ID, ComposeID: c.id, StoreKey: c.outboxKey,
			EnvelopeFrom: user.Email, Recipients: []string{"bob@example.test"}, SealedCredentials: []byte("sealed"),
			SMTPEndpoint: "smtp://mail.example.test:587", MessageID: "<" + c.id + "@example.test>",
			DueAt: time.Now().Add(24 * time.Hour)}); err != nil {
			return err
		}
	}
	c.createdBefore = !phase.began.Load()
	load.mu.Lock()
	load.composes = append(load.composes, c)
	load.mu.Unlock()

	pref := fmt.Sprintf("load_w%d", w)
	if err := db.SetPref(ctx, user.ID, pref, strconv.Itoa(i)); err != nil {
		return err
	}
	if !phase.began.Load() {
		load.mu.Lock()
		load.prefBefore[fmt.Sprintf("%d/%s", user.ID, pref)] = i
		load.mu.Unlock()
	}
	if i%3 == 0 {
		name := fmt.Sprintf("Writer %d identity %d", w, i)
		id, err := db.CreateIdentity(ctx, store.Identity{UserID: user.ID, Email: user.Email, Name: name})
		if err != nil {
			return err
		}
		before := !phase.began.Load()
		load.mu.Lock()
		load.identities = append(load.identities, writtenIdentity{userID: user.ID, id: id.ID, name: name, createdBefore: before})
		load.mu.Unlock()
	}
	if i%4 == 1 {
		load.mu.Lock()
		c.deleteStarted = true
		load.mu.Unlock()
		if _, err := db.DeleteUpload(ctx, c.uploadID, user.ID); err != nil {
			return err
		}
		before := !phase.began.Load()
		load.mu.Lock()
		c.deletedBefore = before
		load.mu.Unlock()
		if err := objects.Delete(ctx, c.uploadKey); err != nil {
			return err
		}
	}
	return nil
}

// checkRestored checks a restored database and attachment store against
// what the writers did: everything finished before the backup began is
// there (drafts with their upload and bytes, queued messages with their
// raw message, identities, settings at least as new), nothing started
// after it ended is, and every row that needs an object has it, intact.
// It returns how many composes were saved before the backup began, while
// it ran, and started after it ended.
func checkRestored(ctx context.Context, t *testing.T, db *store.DB, objects attachments.Store, load *backupLoad) (before, during, after int) {
	t.Helper()
	var must, mustNot int
	for _, c := range load.composes {
		got, err := db.Compose(ctx, c.id, c.userID)
		switch {
		case c.startedAfter:
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("compose %q, started after the backup ended, was restored (%v)", c.subject, err)
			}
			mustNot++
			continue
		case !c.createdBefore:
			during++
			continue
		case err != nil:
			t.Errorf("compose %q, saved before the backup began: %v", c.subject, err)
			continue
		case got.Subject != c.subject || got.BodyText != "body of "+c.subject:
			t.Errorf("compose %s restored as %q / %q", c.id, got.Subject, got.BodyText)
		}
		must++
		upload, err := db.Upload(ctx, c.uploadID, c.userID)
		switch {
		case c.deletedBefore:
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("upload of %q, deleted before the backup began, was restored (%v)", c.subject, err)
			}
		case !c.deleteStarted:
			if err != nil {
				t.Errorf("upload of %q, never deleted: %v", c.subject, err)
			} else if upload.StoreKey != c.uploadKey {
				t.Errorf("upload of %q has key %q, want %q", c.subject, upload.StoreKey, c.uploadKey)
			}
		}
		if c.outboxKey != "" {
			m, err := db.OutboxByCompose(ctx, c.id, c.userID)
			if err != nil {
				t.Errorf("queued message of %q: %v", c.subject, err)
			} else if m.State != store.OutboxScheduled || m.StoreKey != c.outboxKey || len(m.Recipients) != 1 {
				t.Errorf("queued message of %q restored as %+v", c.subject, m)
			}
		}
	}
	for _, id := range load.identities {
		if !id.createdBefore {
			continue
		}
		got, err := db.Identity(ctx, id.id, id.userID)
		if err != nil || got.Name != id.name {
			t.Errorf("identity %q: %+v, %v", id.name, got, err)
		}
	}
	for key, before := range load.prefBefore {
		var userID int64
		var pref string
		fmt.Sscanf(key, "%d/%s", &userID, &pref)
		prefs, err := db.Prefs(store.WithPrimaryReads(ctx), userID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := strconv.Atoi(prefs[pref]); err != nil || got < before {
			t.Errorf("setting %s of user %d is %q, want %d or later", pref, userID, prefs[pref], before)
		}
	}
	refs, err := db.ReferencedObjects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range refs {
		r, _, err := objects.Get(ctx, ref.Key)
		if err != nil {
			t.Errorf("%s row %s needs object %q: %v", ref.Table, ref.Row, ref.Key, err)
			continue
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, objectBytes(ref.Key)) {
			t.Errorf("object %q restored with %d wrong bytes (%v)", ref.Key, len(got), err)
		}
	}
	t.Logf("checked %d composes saved before the backup, %d saved while it ran, %d started after it, %d objects", must, during, mustNot, len(refs))
	return must, during, mustNot
}

// checkStraddled fails a load test whose writes did not happen before,
// during and after the backup: it would not have tested a backup under load.
func checkStraddled(t *testing.T, before, during, after int) {
	t.Helper()
	if before == 0 || during == 0 || after == 0 {
		t.Fatalf("the load did not straddle the backup: %d composes before it began, %d while it ran, %d after it ended", before, during, after)
	}
}
