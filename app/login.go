package app

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/webmail/webmail/app/loginlimit"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/plugins"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// The SQL counter of failed logins, for installations without Redis.
var _ loginlimit.FailureCounter = (*store.DB)(nil)

// LoginInput is a sign-in attempt as the user typed it.
type LoginInput struct {
	Username string // trimmed here
	Password string
	ClientIP string // for the per-address and per-network limits
	// UserAgent is the browser's User-Agent header: the session keeps a
	// short description of it for the user's list of sessions.
	UserAgent string
	// DeviceToken is the browser's device cookie, if any: a token of
	// this user's (see session.Manager.NewDeviceToken) skips the
	// slow-down anyone can cause by failing logins as the user.
	DeviceToken string
}

// LoginResult is a signed-in user's new session.
type LoginResult struct {
	Session *session.Session
	// DeviceToken is the device cookie to keep in the browser from now
	// on: a fresh token of this user's.
	DeviceToken string
	// Held is how long the attempt was held by the slow-down (0 from a
	// known device, or while few logins failed for this user).
	Held time.Duration
}

// Messages of a refused login. A malformed attempt reads like a wrong
// password: nothing tells a guesser which part was wrong.
const (
	msgLoginMissing     = "Enter your email address and password."
	msgWrongCredentials = "Wrong email address or password."
)

// LogIn checks the credentials against the user's IMAP server, then starts
// a session with a fresh ID. The password is kept only sealed with the
// cluster key inside the session. A refused attempt is an *Error:
// CodeInvalid (nothing typed, or nothing a mail server could accept),
// CodeLimited (too many failures; RetryAfter says how long),
// CodeWrongCredentials, or CodeUnavailable (the mail server or the session
// store is down).
func (a *App) LogIn(ctx context.Context, in LoginInput) (LoginResult, error) {
	username, password := strings.TrimSpace(in.Username), in.Password
	if username == "" || password == "" {
		return LoginResult{}, Invalid("Sign in", msgLoginMissing)
	}
	if len(username) > 320 || len(password) > 1024 || !utf8.ValidString(username) ||
		strings.ContainsAny(username, "\r\n\x00") || strings.ContainsAny(password, "\r\n\x00") {
		return LoginResult{}, Invalid("Sign in", msgWrongCredentials)
	}
	limited := loginlimit.Login{IP: in.ClientIP, Username: username}
	if in.DeviceToken != "" {
		limited.Device, _ = a.Sessions.DeviceID(in.DeviceToken, username)
	}
	// Rate limits first: a limited attempt never reaches the mail server.
	if wait := a.loginLimiter.Wait(ctx, limited); wait > 0 {
		return LoginResult{}, a.loginLimited(ctx, username, in.ClientIP, wait)
	}
	// Count the attempt before asking the mail server: parallel guesses
	// must not all pass the limit before any of them is counted.
	attempt, wait, hold := a.loginLimiter.Reserve(ctx, limited)
	if wait > 0 {
		return LoginResult{}, a.loginLimited(ctx, username, in.ClientIP, wait)
	}
	if err := a.holdLogin(ctx, username, in.ClientIP, hold); err != nil {
		return LoginResult{}, err
	}
	route, err := a.routeLogin(username)
	if err != nil {
		a.Logger.InfoContext(ctx, "login failed: no mail server for this login", "user", username, "client_ip", in.ClientIP, "err", err)
		return LoginResult{}, wrongCredentials(err)
	}
	if err := a.checkPassword(ctx, route.IMAP, username, password); err != nil {
		if AsError(err).Code == CodeUnavailable {
			// Not the user's failure: the attempt does not count.
			a.loginLimiter.Release(ctx, attempt)
			a.Logger.ErrorContext(ctx, "login: mail server unavailable", "err", err)
		} else {
			a.Logger.InfoContext(ctx, "login failed", "user", username, "client_ip", in.ClientIP)
		}
		return LoginResult{}, err
	}
	a.loginLimiter.Release(ctx, attempt)
	a.loginLimiter.Clear(ctx, limited)
	if err := a.afterLogin(ctx, username, in.ClientIP); err != nil {
		return LoginResult{}, err
	}
	res, err := a.startSession(ctx, username, password, route, session.Client{IP: in.ClientIP, UserAgent: in.UserAgent})
	if err != nil {
		return res, err
	}
	res.DeviceToken, res.Held = a.Sessions.NewDeviceToken(username), hold
	return res, nil
}

// holdLogin holds an attempt for the slow-down: many failed logins for
// this user, and a device the user has not signed in from. It stays
// counted meanwhile, so parallel guesses gain nothing by waiting
// together; and it is held, not refused, so whoever has the password gets
// in after at most the limits' MaxDelay however hard others guess.
func (a *App) holdLogin(ctx context.Context, username, clientIP string, hold time.Duration) error {
	if hold <= 0 {
		return nil
	}
	a.Logger.InfoContext(ctx, "login slowed down: many failed attempts for this user", "user", username, "client_ip", clientIP, "hold", hold)
	timer := time.NewTimer(hold)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return &Error{Code: CodeUnavailable, Title: "Sign in", Message: "The sign-in was cancelled. Please try again.", Err: ctx.Err()}
	}
}

// checkPassword logs in to the IMAP server. A fresh login, never a pooled
// connection: the pool would hand back a connection opened with a password
// the server no longer accepts. The connection then joins the pool for the
// inbox this user lands on.
func (a *App) checkPassword(ctx context.Context, imap mail.Endpoint, username, password string) error {
	conn, err := a.Pool.Dial(ctx, imap, username, password, a.IMAPOptions)
	switch {
	case errors.Is(err, mail.ErrAuthFailed):
		return wrongCredentials(err)
	case err != nil:
		return &Error{Code: CodeUnavailable, Title: "Mail server unavailable",
			Message: "The mail server is not answering right now. Please try again in a minute.", Err: err}
	}
	conn.Release()
	return nil
}

// startSession creates the session of a user whose password the mail
// server accepted, and records the login.
func (a *App) startSession(ctx context.Context, username, password string, route mail.Route, client session.Client) (LoginResult, error) {
	smtp := ""
	if route.SMTP.Host != "" {
		smtp = route.SMTP.String()
	}
	sess, err := a.Sessions.Start(ctx, session.Login{User: username, Password: password, IMAP: route.IMAP.String(), SMTP: smtp, Client: client,
		Display: a.loginDisplay(ctx, username)})
	if err != nil {
		a.Logger.ErrorContext(ctx, "login: creating the session failed", "err", err)
		return LoginResult{}, &Error{Code: CodeUnavailable, Title: SignInUnavailableTitle, Message: SignInUnavailable, Err: err}
	}
	// The users table is bookkeeping: reading mail must work while the
	// primary database is down, so a failed write is logged, not fatal.
	if _, err := a.DB.RecordLogin(ctx, username); err != nil {
		a.Logger.WarnContext(ctx, "login: recording the login failed", "err", err)
	}
	a.Logger.InfoContext(ctx, "login", "user", username, "client_ip", client.IP)
	return LoginResult{Session: sess}, nil
}

// loginLimited logs and reports an attempt refused by a limit.
func (a *App) loginLimited(ctx context.Context, username, clientIP string, wait time.Duration) error {
	a.Logger.InfoContext(ctx, "login refused: too many failed attempts", "user", username, "client_ip", clientIP, "wait", wait.Round(time.Second))
	e := &Error{Code: CodeLimited, Title: "Sign in", Message: "Too many attempts. Try again in 1 minute."}
	if minutes := loginlimit.WaitMinutes(wait); minutes > 1 {
		e = Errorf(CodeLimited, "Sign in", "Too many attempts. Try again in %d minutes.", minutes)
	}
	e.RetryAfter = wait
	return e
}

// afterLogin asks the plugins whether this user may sign in (the password
// was right: the attempt is not a failure for the limits).
func (a *App) afterLogin(ctx context.Context, username, clientIP string) error {
	if a.Plugins == nil {
		return nil
	}
	if err := a.Plugins.AfterLogin(ctx, plugins.Login{User: username, ClientIP: clientIP}); err != nil {
		a.Logger.InfoContext(ctx, "login refused by a plugin", "user", username, "client_ip", clientIP)
		return vetoError("Sign in", err)
	}
	return nil
}

func wrongCredentials(err error) *Error {
	return &Error{Code: CodeWrongCredentials, Title: "Sign in", Message: msgWrongCredentials, Err: err}
}

// LogOut deletes the session server-side, so its cookie is worthless even
// if it was copied. A nil session (nobody signed in) is not an error.
func (a *App) LogOut(ctx context.Context, sess *session.Session) error {
	if sess == nil {
		return nil
	}
	if err := a.Sessions.Destroy(ctx, sess.ID); err != nil {
		return &Error{Code: CodeUnavailable, Title: "Temporarily unavailable",
			Message: "You could not be signed out right now. Please try again in a moment.", Err: err}
	}
	a.Logger.InfoContext(ctx, "logout", "user", sess.User)
	return nil
}

// SetLoginLimits replaces the login limits (on SIGHUP); attempts already
// counting keep the old ones.
func (a *App) SetLoginLimits(l loginlimit.Limits) { a.loginLimiter.SetLimits(l) }

// LoginLimits returns the login limits in force.
func (a *App) LoginLimits() loginlimit.Limits { return a.loginLimiter.Limits() }
