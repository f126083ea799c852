package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// sendApp is an App that sends through a real Postfix into Dovecot, with
// SQLite and an attachment store.
type sendApp struct {
	*App
	env      *testenv.Mail
	smtpAddr string // submission listener the sessions are routed to
}

// newSendApp builds the App over SQLite, att and the test mail servers;
// sessions are routed to submission at smtpAddr ("" = the shared
// Postfix).
func newSendApp(t *testing.T, att attachments.Store, smtpAddr string) *sendApp {
	t.Helper()
	env := testenv.NewMail(t)
	if smtpAddr == "" {
		smtpAddr = env.SubmissionAddr
	}
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(t.TempDir(), "webmail.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if att == nil {
		if att, err = attachments.NewFS(t.TempDir()); err != nil {
			t.Fatal(err)
		}
	}
	ep, err := mail.ParseIMAPURL("imap://" + env.IMAPAddr)
	if err != nil {
		t.Fatal(err)
	}
	pool := mail.NewPool(mail.PoolOptions{})
	t.Cleanup(pool.Close)
	sealer, err := session.NewSealer("app-test-secret-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	sessions := session.NewManager(session.NewMemory(), sealer, time.Hour, 12*time.Hour)
	a := New(Deps{Logger: slog.New(slog.DiscardHandler), DB: db, Sessions: sessions, Attachments: att,
		IMAP: ep, Pool: pool, OutboxFirstRetry: 200 * time.Millisecond})
	return &sendApp{App: a, env: env, smtpAddr: smtpAddr}
}

// user adds a mail user, signs them in (routed to the app's submission
// server) and sets their undo-send delay.
func (s *sendApp) user(t *testing.T, undoDelay int) (sess *session.Session, u store.User, email, password string) {
	t.Helper()
	ctx := context.Background()
	email, password = s.env.AddUser(t)
	sess, err := s.Sessions.CreateRouted(ctx, email, password, "imap://"+s.env.IMAPAddr, "smtp://"+s.smtpAddr)
	if err != nil {
		t.Fatal(err)
	}
	if u, err = s.DB.RecordLogin(ctx, email); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.SetPref(ctx, u.ID, store.PrefUndoSendDelay, strconv.Itoa(undoDelay)); err != nil {
		t.Fatal(err)
	}
	return sess, u, email, password
}

// compose stores a compose of user u.
func (s *sendApp) compose(t *testing.T, u store.User, c store.Compose) store.Compose {
	t.Helper()
	c.UserID = u.ID
	created, err := s.DB.CreateCompose(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return created
}

// upload stores data as an upload of compose c.
func (s *sendApp) upload(t *testing.T, u store.User, c store.Compose, name, contentType string, data []byte) store.Upload {
	t.Helper()
	ctx := context.Background()
	id := store.NewID()
	key := "uploads/" + strconv.FormatInt(u.ID, 10) + "/" + id
	if err := s.Attachments.Put(ctx, key, bytes.NewReader(data), int64(len(data)), contentType); err != nil {
		t.Fatal(err)
	}
	up, err := s.DB.CreateUpload(ctx, store.Upload{ID: id, UserID: u.ID, ComposeID: c.ID, StoreKey: key,
		Filename: name, ContentType: contentType, Size: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	return up
}

// runWorker runs the outbox worker until the test ends.
func (s *sendApp) runWorker(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.RunOutbox(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// waitState waits until the compose's outgoing message is in state want.
func (s *sendApp) waitState(t *testing.T, sess *session.Session, composeID string, want SendState) SendResult {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := s.SendStatus(context.Background(), sess, composeID)
		if err == nil && res.State == want {
			return res
		}
		if time.Now().After(deadline) {
			t.Fatalf("compose %s: state %q (err %v), want %q", composeID, res.State, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// mailboxMessages returns every message of mailbox, raw, with its flags.
func mailboxMessages(t *testing.T, c *imapclient.Client, mailbox string) (raws [][]byte, flags [][]imap.Flag) {
	t.Helper()
	data, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if data.NumMessages == 0 {
		return nil, nil
	}
	var set imap.SeqSet
	set.AddRange(1, data.NumMessages)
	msgs, err := c.Fetch(set, &imap.FetchOptions{Flags: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		for _, body := range m.BodySection {
			raws = append(raws, body.Bytes)
		}
		flags = append(flags, m.Flags)
	}
	return raws, flags
}

// countMessages counts mailbox's messages as a plain client sees them.
func (s *sendApp) countMessages(t *testing.T, email, password, mailbox string) uint32 {
	t.Helper()
	data, err := s.env.IMAPClient(t, email, password).Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return data.NumMessages
}

// headerOf returns the raw top header block of a message.
func headerOf(raw []byte) string {
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	return string(head)
}

// sha returns the hex SHA-256 of r's bytes.
func sha(t *testing.T, r io.Reader) [sha256.Size]byte {
	t.Helper()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		t.Fatal(err)
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// hasLine reports whether the header block holds the exact (unfolded) line.
func hasLine(header, line string) bool {
	unfolded := strings.ReplaceAll(header, "\r\n ", " ")
	unfolded = strings.ReplaceAll(unfolded, "\r\n\t", " ")
	for _, l := range strings.Split(unfolded, "\r\n") {
		if l == line {
			return true
		}
	}
	return false
}
