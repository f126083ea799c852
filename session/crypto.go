package session

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// ErrUndecryptable means sealed data was made with a key this instance does
// not have (a rotated-out secret, or instances configured with different
// secrets) or was tampered with.
var ErrUndecryptable = errors.New("session: credentials cannot be decrypted with the configured secrets")

// keyIDLen is the length of the key ID that prefixes sealed data. The ID is
// derived from the secret, so admins rotate keys by moving the old secret to
// WEBMAIL_SECRET_PREVIOUS; no ID to manage by hand.
const keyIDLen = 4

type sealKey struct {
	id   [keyIDLen]byte
	aead cipher.AEAD
	mac  []byte // HMAC-SHA256 key for tokens the server must recognise as its own
}

// Sealer encrypts credentials with AES-256-GCM under the cluster key and
// decrypts with the current or any previous key.
type Sealer struct {
	current sealKey
	all     []sealKey
}

// NewSealer derives keys from the current secret and any previous ones.
func NewSealer(secret string, previous ...string) (*Sealer, error) {
	if secret == "" {
		return nil, errors.New("session: empty secret")
	}
	s := &Sealer{}
	for i, sec := range append([]string{secret}, previous...) {
		k, err := deriveKey(sec)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			s.current = k
		}
		s.all = append(s.all, k)
	}
	return s, nil
}

func deriveKey(secret string) (sealKey, error) {
	// HKDF turns a pass-phrase-like secret of any length into a uniform
	// AES key; the key ID is a separate derivation so it reveals nothing.
	key, err := hkdf.Key(sha256.New, []byte(secret), nil, "webmail session credentials v1", 32)
	if err != nil {
		return sealKey{}, fmt.Errorf("session: derive key: %w", err)
	}
	idBytes, err := hkdf.Key(sha256.New, []byte(secret), nil, "webmail key id v1", keyIDLen)
	if err != nil {
		return sealKey{}, fmt.Errorf("session: derive key id: %w", err)
	}
	macKey, err := hkdf.Key(sha256.New, []byte(secret), nil, "webmail token mac v1", 32)
	if err != nil {
		return sealKey{}, fmt.Errorf("session: derive mac key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return sealKey{}, fmt.Errorf("session: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return sealKey{}, fmt.Errorf("session: %w", err)
	}
	var k sealKey
	copy(k.id[:], idBytes)
	k.aead = aead
	k.mac = macKey
	return k, nil
}

// Seal encrypts plaintext bound to context (for example the session ID and
// user), so sealed data copied into another session does not decrypt.
// Output: key ID | nonce | ciphertext+tag.
func (s *Sealer) Seal(plaintext, context []byte) []byte {
	aead := s.current.aead
	out := make([]byte, keyIDLen+aead.NonceSize(), keyIDLen+aead.NonceSize()+len(plaintext)+aead.Overhead())
	copy(out, s.current.id[:])
	if _, err := rand.Read(out[keyIDLen:]); err != nil {
		panic("session: crypto/rand failed: " + err.Error())
	}
	return aead.Seal(out, out[keyIDLen:], plaintext, context)
}

// Open decrypts data made by Seal with the same context.
func (s *Sealer) Open(sealed, context []byte) ([]byte, error) {
	if len(sealed) < keyIDLen {
		return nil, ErrUndecryptable
	}
	for _, k := range s.all {
		if string(k.id[:]) != string(sealed[:keyIDLen]) {
			continue
		}
		rest := sealed[keyIDLen:]
		if len(rest) < k.aead.NonceSize() {
			return nil, ErrUndecryptable
		}
		plain, err := k.aead.Open(nil, rest[:k.aead.NonceSize()], rest[k.aead.NonceSize():], context)
		if err != nil {
			return nil, ErrUndecryptable
		}
		return plain, nil
	}
	return nil, ErrUndecryptable
}

// sign returns the HMAC-SHA256 of msg under the current key, for purpose
// (which keeps a MAC made for one use from passing for another).
func (s *Sealer) sign(purpose string, msg []byte) []byte {
	return macOf(s.current.mac, purpose, msg)
}

// verify reports whether mac is sign(purpose, msg) under the current or a
// previous key, so tokens survive a key rotation like sealed credentials.
func (s *Sealer) verify(purpose string, msg, mac []byte) bool {
	for _, k := range s.all {
		if hmac.Equal(mac, macOf(k.mac, purpose, msg)) {
			return true
		}
	}
	return false
}

func macOf(key []byte, purpose string, msg []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write(msg)
	return h.Sum(nil)
}
