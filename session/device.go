package session

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// Device tokens tell the login limits that a browser is one the user has
// signed in from before: the per-username slow-down, which anyone can
// trigger by failing logins as the user, does not hold it back. A token
// is set after a successful login, signed with the cluster key and bound
// to the user's name, so it can neither be made up nor moved to another
// user. It grants nothing else: it is no credential, and a login with it
// still needs the password.
//
// Layout before base64url: nonce (16) | issued, Unix seconds (8) | HMAC (32)
// over nonce | issued | lower-cased user.

const (
	devicePurpose  = "login device"
	deviceNonceLen = 16
	deviceTokenLen = deviceNonceLen + 8 + 32
	// DeviceLifetime is how long a device stays known after the login
	// that set its token.
	DeviceLifetime = 180 * 24 * time.Hour
	// DeviceCookieName is the device cookie's name over plain HTTP.
	DeviceCookieName = "webmail_device"
	// SecureDeviceCookieName is its name over TLS.
	SecureDeviceCookieName = "__Host-webmail_device"
)

// NewDeviceToken returns a fresh device token for user.
func (m *Manager) NewDeviceToken(user string) string {
	var b [deviceTokenLen]byte
	if _, err := rand.Read(b[:deviceNonceLen]); err != nil {
		panic("session: crypto/rand failed: " + err.Error())
	}
	binary.BigEndian.PutUint64(b[deviceNonceLen:], uint64(m.now().Unix()))
	copy(b[deviceNonceLen+8:], m.sealer.sign(devicePurpose, deviceMessage(b[:deviceNonceLen+8], user)))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// DeviceID returns the ID of the device a token names, if this cluster
// made the token for user within DeviceLifetime; ok is false otherwise.
func (m *Manager) DeviceID(token, user string) (id string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != deviceTokenLen {
		return "", false
	}
	if !m.sealer.verify(devicePurpose, deviceMessage(b[:deviceNonceLen+8], user), b[deviceNonceLen+8:]) {
		return "", false
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(b[deviceNonceLen:])), 0)
	now := m.now()
	if issued.After(now.Add(time.Minute)) || now.Sub(issued) >= DeviceLifetime {
		return "", false
	}
	return hex.EncodeToString(b[:deviceNonceLen]), true
}

func deviceMessage(head []byte, user string) []byte {
	return append(append([]byte{}, head...), strings.ToLower(strings.TrimSpace(user))...)
}

// DeviceCookieNameFor is the device cookie's name on a connection that is
// TLS (secure) or not.
func DeviceCookieNameFor(secure bool) string {
	if secure {
		return SecureDeviceCookieName
	}
	return DeviceCookieName
}

// DeviceCookie is the cookie that keeps token in the browser.
func DeviceCookie(token string, secure bool) *http.Cookie {
	return &http.Cookie{
		Name:     DeviceCookieNameFor(secure),
		Value:    token,
		Path:     "/",
		MaxAge:   int(DeviceLifetime / time.Second),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
}
