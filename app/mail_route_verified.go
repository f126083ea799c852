package app

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"strings"
	"sync"
	"time"
)

// verifiedLogins remembers, in this instance's memory, which user and
// password pairs the backend accepted lately, and which are being checked
// now. Mail clients log in often and several connections at once; without
// it every one of those logins would be counted as an attempt until its
// check finished, and a client opening more connections than the per-user
// limit would lock its own user out. It is a cache: losing it costs one
// check per user.
type verifiedLogins struct {
	key     [32]byte // HMAC key: the map holds no passwords, nor digests a dictionary could reverse
	mu      sync.Mutex
	until   map[[32]byte]time.Time
	pending map[[32]byte]bool
}

// verifiedFor is how long a check stands. The backend still
// authenticates every IMAP and POP3 login itself, so a password changed
// meanwhile is refused there; submission is never answered from here.
const verifiedFor = 10 * time.Minute

// maxVerified bounds the map; when full it starts over.
const maxVerified = 100000

func newVerifiedLogins() *verifiedLogins {
	v := &verifiedLogins{until: map[[32]byte]time.Time{}, pending: map[[32]byte]bool{}}
	rand.Read(v.key[:])
	return v
}

func (v *verifiedLogins) digest(username, password string) [32]byte {
	mac := hmac.New(sha256.New, v.key[:])
	mac.Write([]byte(strings.ToLower(username)))
	mac.Write([]byte{0})
	mac.Write([]byte(password))
	var out [32]byte
	copy(out[:], mac.Sum(nil))
	return out
}

// claim reports whether the pair needs a counted check: false when it was
// verified lately or a check of it is running (that one counts); true
// marks it pending, and the caller must call done.
func (v *verifiedLogins) claim(d [32]byte) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if until, ok := v.until[d]; ok && time.Now().Before(until) {
		return false
	}
	if v.pending[d] {
		return false
	}
	v.pending[d] = true
	return true
}

// done ends a check; ok remembers the pair as verified.
func (v *verifiedLogins) done(d [32]byte, ok bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.pending, d)
	if !ok {
		delete(v.until, d)
		return
	}
	if len(v.until) >= maxVerified {
		v.until = map[[32]byte]time.Time{}
	}
	v.until[d] = time.Now().Add(verifiedFor)
}
