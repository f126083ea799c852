package app

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/store"
)

// TestLogInOpensOneConnection checks against Dovecot that a login costs
// one IMAP connection: the one that verified the password joins the pool
// and serves the first page and the message opened from it.
func TestLogInOpensOneConnection(t *testing.T) {
	ctx := context.Background()
	d := newDovecotApp(t)
	var dials atomic.Int64
	pool := mail.NewPool(mail.PoolOptions{Dial: func(ctx context.Context, ep mail.Endpoint, username, password string, opts mail.DialOptions) (*mail.Client, error) {
		dials.Add(1)
		return mail.DialIMAP(ctx, ep, username, password, opts)
	}})
	t.Cleanup(pool.Close)
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(t.TempDir(), "webmail.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	deps := d.Deps
	deps.DB, deps.Pool = db, pool
	deps.IMAPOptions = mail.DialOptions{Timeout: 10 * time.Second}
	a := New(deps)
	email, password := d.env.AddUser(t)
	uid := d.env.AppendRaw(t, email, password, "INBOX", htmlMessage("first"))

	res, err := a.LogIn(ctx, LoginInput{Username: email, Password: password, ClientIP: "192.0.2.9"})
	if err != nil {
		t.Fatal(err)
	}
	list, err := a.ListMessages(ctx, res.Session, ListMessagesInput{Mailbox: "INBOX"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Flat.Messages) != 1 {
		t.Fatalf("first page shows %d messages, want 1", len(list.Flat.Messages))
	}
	if _, err := a.ShowMessage(ctx, res.Session, ShowMessageInput{Mailbox: "INBOX", UID: uint32(uid)}); err != nil {
		t.Fatal(err)
	}
	if n := dials.Load(); n != 1 {
		t.Fatalf("login, first page and a message opened %d IMAP connections, want 1", n)
	}
	if s := pool.Stats(); s.Dialed != 1 || s.Reused < 2 || s.Open != 1 {
		t.Fatalf("pool %+v, want the login's connection reused by the page and the message", s)
	}
}
