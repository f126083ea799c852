// Package session keeps who is logged in, in a store every instance shares
// (Redis, SQL) so any instance can serve any request. The user's mail
// password exists in a session only encrypted with the cluster key.
package session

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrNotFound means no live session has this ID (never existed, expired or
// logged out).
var ErrNotFound = errors.New("session: not found")

// ErrMalformed means a stored session record cannot be read: corrupted,
// truncated, or written by an incompatible version. Manager.Load treats it
// as no session (a logged-out visitor), never as an outage.
var ErrMalformed = errors.New("session: malformed record")

// ErrUnavailable means the store could read a session but cannot write it
// right now: the SQL primary is down while a replica answers. Manager.Load
// then serves the request without extending the idle timeout.
var ErrUnavailable = errors.New("session: store cannot be written right now")

// Session is one logged-in browser.
type Session struct {
	ID          string    `json:"-"`
	User        string    `json:"user"`
	Credentials []byte    `json:"cred"` // the IMAP/SMTP password, sealed by a Sealer
	CSRFToken   string    `json:"csrf"`
	CreatedAt   time.Time `json:"created"`
	LastSeen    time.Time `json:"seen"`
	// IMAP and SMTP are the servers the login was routed to (URLs), so
	// every instance uses the same ones for this session whatever the
	// domain table says later. Empty in sessions from before routing.
	IMAP string `json:"imap,omitempty"`
	SMTP string `json:"smtp,omitempty"`
	// Device describes the browser that signed in ("Chrome on Linux",
	// DescribeUserAgent), LoginIP the address it signed in from and
	// LastIP the address of the latest request that refreshed LastSeen:
	// what the user's list of sessions shows. Empty in sessions from
	// before the list; a record without them still loads.
	Device  string `json:"device,omitempty"`
	LoginIP string `json:"login_ip,omitempty"`
	LastIP  string `json:"ip,omitempty"`
}

// Store keeps sessions. Implementations expire a session by themselves after
// the TTL given to Save.
type Store interface {
	// Get returns the session or an error wrapping ErrNotFound.
	Get(ctx context.Context, id string) (*Session, error)
	// Save creates or replaces the session, to expire after ttl.
	Save(ctx context.Context, s *Session, ttl time.Duration) error
	// Touch replaces a live session and makes it expire after ttl, or
	// returns an error wrapping ErrNotFound when it is gone. It never
	// creates one: a refresh racing a logout must not undo it.
	Touch(ctx context.Context, s *Session, ttl time.Duration) error
	// Delete removes the session; a missing one is not an error.
	Delete(ctx context.Context, id string) error
	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
}

// NewID returns a random 256-bit session ID, URL-safe.
func NewID() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("session: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// validID rejects IDs that could not have come from NewID before they reach
// a store (keys, SQL) at all.
func validID(id string) bool {
	if len(id) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(id)
	return err == nil
}

func encode(s *Session) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("session: encode: %w", err)
	}
	return b, nil
}

func decode(id string, data []byte) (*Session, error) {
	var s Session
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("session: decode: %w: %w", ErrMalformed, err)
	}
	if s.User == "" {
		return nil, fmt.Errorf("session: decode: %w: no user", ErrMalformed)
	}
	s.ID = id
	return &s, nil
}
