package store

import (
	"crypto/rand"
	"time"
)

// NewID returns an unguessable identifier for a record whose ID reaches a
// URL (a compose, an upload): 130 random bits from crypto/rand in base32,
// which is URL-safe. Callers may also use it for attachment store keys.
func NewID() string { return rand.Text() }

// maxIDLen is the size of the ID columns.
const maxIDLen = 64

// validID reports whether id could have come from NewID (or a longer
// random ID of the same alphabets). A lookup with anything else is a
// miss without a query: nothing a user puts in a URL reaches SQL unchecked.
func validID(id string) bool {
	if len(id) < 16 || len(id) > maxIDLen {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}

// millis is t as stored in the compose, upload and outbox tables: Unix
// milliseconds, 0 for the zero time.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis reverses millis.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
