package attachments

import "io"

// CheckPut validates what every backend's Put must check before touching
// its storage (the key with ValidKey, a size of -1 or more, the content
// type) and returns the content type to store (DefaultContentType for "").
// Plugin backends call it first, like the built-in ones.
func CheckPut(key string, size int64, contentType string) (string, error) {
	return checkPut(key, size, contentType)
}

// ExactReader passes through r when size is -1; otherwise exactly size
// bytes of r, failing the read with ErrSizeMismatch when r has fewer or
// more, so a backend that streams it to its storage never completes an
// object of the wrong size.
func ExactReader(r io.Reader, size int64) io.Reader {
	if size < 0 {
		return r
	}
	return newExactReader(r, size)
}
