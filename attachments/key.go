package attachments

import (
	"fmt"
	"strings"
)

// MaxKeyLength is the longest key a Store accepts. It is the width of the
// object_key column of the sql backend.
const MaxKeyLength = 255

// MaxKeySegmentLength is the longest segment (part between slashes) of a key,
// so that every segment, plus the suffix the fs backend adds, is a valid file
// name on every common filesystem (most allow 255 bytes).
const MaxKeySegmentLength = 128

// ValidKey reports whether key may be used with a Store, returning an error
// wrapping ErrInvalidKey if not.
//
// A key is 1..MaxKeyLength characters of [A-Za-z0-9._-] in segments separated
// by single slashes. Segments may not be empty, "." or "..", which rules out
// leading, trailing and doubled slashes. The rules are strict on purpose: the
// fs backend turns keys into paths, and a key that cannot name anything
// outside the store's directory (no traversal, no absolute paths, no
// backslashes, no NUL) keeps that safe whatever a caller passes in. Backends
// may rely on these rules (the fs backend uses '~', which keys cannot
// contain, to name its own files).
func ValidKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	if len(key) > MaxKeyLength {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidKey, MaxKeyLength)
	}
	for i := 0; i < len(key); i++ {
		if !keyByte(key[i]) {
			return fmt.Errorf("%w: %q: byte %#02x at offset %d is not allowed", ErrInvalidKey, key, key[i], i)
		}
	}
	for segment := range strings.SplitSeq(key, "/") {
		switch {
		case segment == "":
			return fmt.Errorf("%w: %q: empty segment", ErrInvalidKey, key)
		case segment == "." || segment == "..":
			return fmt.Errorf("%w: %q: %q segment", ErrInvalidKey, key, segment)
		case len(segment) > MaxKeySegmentLength:
			return fmt.Errorf("%w: %q: segment longer than %d bytes", ErrInvalidKey, key, MaxKeySegmentLength)
		}
	}
	return nil
}

// keyByte reports whether b may appear in a key.
func keyByte(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	case b == '.', b == '_', b == '-', b == '/':
		return true
	}
	return false
}
