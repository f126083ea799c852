package encrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
)

// The format of an encrypted object:
//
//	header: "WMEN" | version 1 | 3 zero bytes | key ID (8) | salt (32)
//	chunks: AES-256-GCM(subkey, nonce(i, final), plaintext chunk i, AAD header)
//
// Each object has its own subkey, HMAC-SHA256(key, salt) with a random
// salt, so nonces never repeat across objects. The nonce of chunk i is i
// (8 bytes big-endian) followed by a final flag, so chunks cannot be
// reordered, dropped or moved between objects, and an object cut after any
// chunk is detected: only the last chunk carries the final flag. Every
// chunk but the last holds exactly ChunkSize bytes; the last holds 0 to
// ChunkSize (an empty object is one empty final chunk).
const (
	ChunkSize  = 64 << 10
	headerSize = 4 + 1 + 3 + 8 + 32
	tagSize    = 16
	sealedSize = ChunkSize + tagSize
)

var magic = [4]byte{'W', 'M', 'E', 'N'}

// ErrDamaged is returned while reading an object that does not decrypt:
// changed, cut short, or written with a key that is no longer listed.
var ErrDamaged = errors.New("encrypt: the object is damaged, truncated or under an unknown key")

// header is the start of an object.
type header struct {
	keyID [8]byte
	salt  [32]byte
}

func (h header) bytes() []byte {
	b := make([]byte, 0, headerSize)
	b = append(b, magic[:]...)
	b = append(b, 1, 0, 0, 0)
	b = append(b, h.keyID[:]...)
	return append(b, h.salt[:]...)
}

func parseHeader(b []byte) (header, bool) {
	var h header
	if len(b) != headerSize || [4]byte(b[:4]) != magic || b[4] != 1 {
		return h, false
	}
	copy(h.keyID[:], b[8:16])
	copy(h.salt[:], b[16:])
	return h, true
}

// aead is the object's cipher: its subkey from key and the header's salt.
func aead(k Key, h header) (cipher.AEAD, error) {
	mac := hmac.New(sha256.New, k.raw)
	mac.Write([]byte("webmail encrypt object\x00"))
	mac.Write(h.salt[:])
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func nonce(i uint64, final bool) []byte {
	n := make([]byte, 12)
	binary.BigEndian.PutUint64(n, i)
	if final {
		n[8] = 1
	}
	return n
}

// sealedLength is the stored size of a plaintext of n bytes.
func sealedLength(n int64) int64 {
	chunks := max(1, (n+ChunkSize-1)/ChunkSize)
	return headerSize + n + chunks*tagSize
}

// plainLength is the plaintext size of a stored object of n bytes; false
// when no plaintext has that stored size.
func plainLength(n int64) (int64, bool) {
	body := n - headerSize
	if body < tagSize {
		return 0, false
	}
	chunks := (body + sealedSize - 1) / sealedSize
	plain := body - chunks*tagSize
	if plain < 0 || sealedLength(plain) != n {
		return 0, false
	}
	return plain, true
}
