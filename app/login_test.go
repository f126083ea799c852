package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/webmail/webmail/app/loginlimit"
	"github.com/webmail/webmail/store"
)

// TestLogInOnDovecot signs in against Dovecot with the SQL failure
// counter: the refusals carry the messages the login form shows, a limited
// attempt never reaches the mail server, and a success starts a session
// and records the user.
func TestLogInOnDovecot(t *testing.T) {
	ctx := context.Background()
	d := newDovecotApp(t)
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(t.TempDir(), "webmail.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	deps := d.Deps
	deps.DB, deps.LoginFailures = db, db
	deps.LoginLimits = loginlimit.Limits{PerUser: 2, PerIP: 100, Window: time.Minute}
	a := New(deps)
	email, password := d.env.AddUser(t)
	in := func(user, pass string) LoginInput {
		return LoginInput{Username: user, Password: pass, ClientIP: "192.0.2.7"}
	}

	_, err = a.LogIn(ctx, in(email, ""))
	wantCode(t, "no password", err, CodeInvalid, "Enter your email address and password.")
	_, err = a.LogIn(ctx, in(email, "line\nbreak"))
	wantCode(t, "a password no server accepts", err, CodeInvalid, "Wrong email address or password.")
	for i := 0; i < 2; i++ {
		_, err = a.LogIn(ctx, in(email, "wrong"))
		wantCode(t, "wrong password", err, CodeWrongCredentials, "Wrong email address or password.")
	}
	_, err = a.LogIn(ctx, in(email, password))
	wantCode(t, "right password after the limit", err, CodeLimited, "Too many attempts. Try again in 1 minute.")
	if e := AsError(err); e.RetryAfter <= 0 || e.RetryAfter > time.Minute {
		t.Fatalf("RetryAfter %v", e.RetryAfter)
	}

	a.SetLoginLimits(loginlimit.Limits{})
	if got := a.LoginLimits(); got.PerUser != 0 {
		t.Fatalf("limits after SetLoginLimits: %+v", got)
	}
	res, err := a.LogIn(ctx, in("  "+email+" ", password))
	if err != nil || res.Session == nil || res.Session.User != email {
		t.Fatalf("login: %+v, %v", res, err)
	}
	if _, err := db.UserByEmail(ctx, email); err != nil {
		t.Fatalf("the login was not recorded: %v", err)
	}
	if err := a.LogOut(ctx, res.Session); err != nil {
		t.Fatal(err)
	}
	if a.SessionAlive(ctx, res.Session) {
		t.Fatal("the session outlived the logout")
	}
}
