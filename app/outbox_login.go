package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/store"
)

// outboxLogin is the user's login as an outgoing message carries it,
// sealed with the cluster key (session.Manager.SealCredential): the
// instance that sends the message may not be the one the user is signed
// in on, and the user may have signed out since.
type outboxLogin struct {
	Login    string `json:"login"`
	Password string `json:"password"`
	IMAP     string `json:"imap"` // the IMAP server the session was routed to (for Sent, flags, notices)
}

func (l outboxLogin) encode() []byte {
	b, _ := json.Marshal(l) // strings only: cannot fail
	return b
}

// errCredentialsGone reports an outgoing message whose sealed login is
// gone (forgotten after the work was done) or cannot be opened (sealed
// with a secret no instance has any more).
var errCredentialsGone = errors.New("app: the outgoing message's login cannot be opened")

// openOutboxLogin opens the login sealed into m.
func (a *App) openOutboxLogin(m store.OutboxMessage) (outboxLogin, error) {
	if len(m.SealedCredentials) == 0 {
		return outboxLogin{}, errCredentialsGone
	}
	plain, err := a.Sessions.OpenCredential(outboxPurpose, m.ComposeID, strconv.FormatInt(m.UserID, 10), m.SealedCredentials)
	if err != nil {
		return outboxLogin{}, fmt.Errorf("%w: %w", errCredentialsGone, err)
	}
	var l outboxLogin
	if err := json.Unmarshal(plain, &l); err != nil {
		return outboxLogin{}, fmt.Errorf("%w: %w", errCredentialsGone, err)
	}
	return l, nil
}

// withOutboxIMAP runs fn on an IMAP connection logged in as the message's
// user, from this instance's pool; a pooled connection found dead is
// replaced once, as for requests.
func (a *App) withOutboxIMAP(ctx context.Context, l outboxLogin, fn func(*mail.Client) error) error {
	ep, err := mail.ParseIMAPURL(l.IMAP)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		conn, err := a.Pool.Get(ctx, ep, l.Login, l.Password, a.IMAPOptions)
		if err != nil {
			return err
		}
		err = fn(conn.Client)
		retry := err != nil && conn.Reused && conn.Broken() && ctx.Err() == nil && attempt == 0
		conn.Release()
		if !retry {
			return err
		}
	}
}
