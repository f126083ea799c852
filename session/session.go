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
	// Version is the record layout of the release that created the
	// session (RecordVersion then); records from before versions read
	// as 1. A reader learns from it which fields the writer knew, so an
	// empty field from a writer that did not know it is not taken for a
	// choice.
	Version int `json:"v,omitempty"`
	// Display holds the user's display settings (theme, density, language,
	// time zone...: the app's display prefs, by preference name), copied
	// from the database at login and whenever the user saves them, so
	// drawing a page costs no database query for them. Nil in sessions
	// from before it (version < 3): the defaults then, until the next save
	// or login.
	Display map[string]string `json:"display,omitempty"`

	// unknown holds the fields of the record this release does not know,
	// written by a newer release during a rolling upgrade. They are
	// written back as they came when this release refreshes the session,
	// so the newer release does not find them gone.
	unknown map[string]json.RawMessage
}

// RecordVersion is the session record layout this release writes.
// Layouts only grow (migrations/README.md, rule 5): a field is added,
// optional for every reader; none is removed or changes meaning. 1: user,
// cred, csrf, created, seen, imap, smtp (the release before versions);
// 2: v, device, login_ip, ip; 3: display.
const RecordVersion = 3

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

// encode writes the record: the fields this release knows, then the ones
// a newer release wrote that it does not (Session.unknown).
func encode(s *Session) ([]byte, error) {
	record := *s
	if record.Version == 0 {
		record.Version = RecordVersion
	}
	b, err := json.Marshal(&record)
	if err != nil {
		return nil, fmt.Errorf("session: encode: %w", err)
	}
	if len(s.unknown) == 0 {
		return b, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, fmt.Errorf("session: encode: %w", err)
	}
	for name, value := range s.unknown {
		if _, known := fields[name]; !known {
			fields[name] = value
		}
	}
	b, err = json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("session: encode: %w", err)
	}
	return b, nil
}

// decode reads a record of any version: fields it does not know are kept
// aside (Session.unknown), missing ones stay empty, and a record without a
// version is version 1.
func decode(id string, data []byte) (*Session, error) {
	var s Session
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("session: decode: %w: %w", ErrMalformed, err)
	}
	if s.User == "" {
		return nil, fmt.Errorf("session: decode: %w: no user", ErrMalformed)
	}
	if s.Version == 0 {
		s.Version = 1
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fmt.Errorf("session: decode: %w: %w", ErrMalformed, err)
	}
	for name := range fields {
		if knownField(name) {
			delete(fields, name)
		}
	}
	if len(fields) > 0 {
		s.unknown = fields
	}
	s.ID = id
	return &s, nil
}

// knownField reports whether name is the JSON name of one of Session's
// fields.
func knownField(name string) bool {
	switch name {
	case "user", "cred", "csrf", "created", "seen", "imap", "smtp", "device", "login_ip", "ip", "v", "display":
		return true
	}
	return false
}
