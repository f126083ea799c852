package session

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// Login tokens protect the login form, where there is no session yet to
// hold a CSRF token: a cookie and the form carry the same token (double
// submit). The token is made and signed here, so a value a client invents,
// or plants in the cookie from a sibling subdomain, is refused: only tokens
// this cluster issued pass, and only for loginTokenLifetime.
//
// Layout before base64url: nonce (16) | issued, Unix seconds (8) | HMAC (32).

const (
	loginTokenPurpose  = "login csrf"
	loginNonceLen      = 16
	loginTokenLen      = loginNonceLen + 8 + 32
	loginTokenLifetime = 24 * time.Hour
	// loginTokenSkew tolerates instances whose clocks disagree a little.
	loginTokenSkew = time.Minute
)

// NewLoginToken returns a fresh signed token for the login form's
// double-submit cookie.
func (m *Manager) NewLoginToken() string {
	var b [loginTokenLen]byte
	if _, err := rand.Read(b[:loginNonceLen]); err != nil {
		panic("session: crypto/rand failed: " + err.Error())
	}
	binary.BigEndian.PutUint64(b[loginNonceLen:], uint64(m.now().Unix()))
	copy(b[loginNonceLen+8:], m.sealer.sign(loginTokenPurpose, b[:loginNonceLen+8]))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidLoginToken reports whether token was made by NewLoginToken of this
// cluster (current or previous secret) within its lifetime.
func (m *Manager) ValidLoginToken(token string) bool {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != loginTokenLen {
		return false
	}
	if !m.sealer.verify(loginTokenPurpose, b[:loginNonceLen+8], b[loginNonceLen+8:]) {
		return false
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(b[loginNonceLen:])), 0)
	now := m.now()
	return issued.Before(now.Add(loginTokenSkew)) && now.Sub(issued) < loginTokenLifetime
}
